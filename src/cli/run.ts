/**
 * `bpflab run --json FILE`: answers kernel-oracle requests (one object, or JSON Lines) with the
 * simulated Linux 4.8; FILE `-` (or none) reads stdin. Exits 0, or 2 when a request was refused
 * (request_error), as kernel-oracle does. See src/session/request.ts for the shapes. A request's
 * `"object"` (a clang object) is read from the request file's folder when its path is relative.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { answerText } from '../session/request';
import { objectReader } from './read-input';

const USAGE = 'usage: bpflab run --json [FILE|-] [--seed N] [--ncpus N]';

export async function main(args: string[]): Promise<number> {
  let json = false;
  let file = '-';
  let seed: number | undefined;
  let ncpus: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') json = true;
    else if ((a === '--seed' || a === '--ncpus') && /^\d+$/.test(args[i + 1] ?? '')) {
      const n = Number(args[++i]);
      if (a === '--seed') seed = n;
      else ncpus = n;
    } else if (a === '-h' || a === '--help') {
      console.log(USAGE);
      return 0;
    } else if (!a.startsWith('-') || a === '-') file = a;
    else {
      console.error(`bpflab run: unknown option '${a}'\n${USAGE}`);
      return 2;
    }
  }
  if (!json) {
    console.error(`bpflab run: only --json is supported\n${USAGE}`);
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    console.error(`bpflab run: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  const readObject = objectReader(file === '-' ? process.cwd() : dirname(file));
  const { output, errors } = answerText(text, { seed, ncpus, readObject });
  process.stdout.write(output);
  return errors ? 2 : 0;
}
