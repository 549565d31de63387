/**
 * `bpflab oracle [FILE|-]` (`npm run -s oracle -- FILE`): puts the requests `run --json` answers
 * to this machine's Linux kernel instead (tools/kernel-oracle.py through host-kernel.ts) and
 * prints the kernel's answers in the same shape: one indented object for one request, one line
 * a line for JSON Lines. Requests may give assembly `source` or a clang `object`; bpflab's
 * assembler or object reader turns it into instructions first. Exits 0, 2 when a request got a request_error, 3 when this machine cannot
 * answer (not Linux, not root), 1 when the oracle failed.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { askHost, OracleFailure } from './host-kernel';
import { objectReader } from './read-input';

const USAGE = 'usage: bpflab oracle [FILE|-]   (needs Linux and root; see docs/kernel.md)';

/** The requests of a file: one JSON value, else JSON Lines (a bad line is an error with its number). */
function requestsOf(text: string): { requests: unknown[]; single: boolean } | string {
  try {
    return { requests: [JSON.parse(text)], single: true };
  } catch {
    // JSON Lines
  }
  const requests: unknown[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    try {
      requests.push(JSON.parse(lines[i]));
    } catch (e) {
      return `line ${i + 1}: invalid JSON: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  return { requests, single: false };
}

export async function main(args: string[]): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  if (args.length > 1 || (args[0]?.startsWith('-') && args[0] !== '-')) {
    console.error(`bpflab oracle: expected one FILE\n${USAGE}`);
    return 2;
  }
  const file = args[0] ?? '-';
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    console.error(`bpflab oracle: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  const parsed = requestsOf(text);
  if (typeof parsed === 'string') {
    console.error(`bpflab oracle: ${file}: ${parsed}`);
    return 2;
  }
  try {
    const r = askHost(parsed.requests, undefined, objectReader(file === '-' ? process.cwd() : dirname(file)));
    if (!r.available) {
      console.log(JSON.stringify({ available: false, why: r.why }));
      return 3;
    }
    for (const a of r.answers) console.log(parsed.single ? JSON.stringify(a, null, 1) : JSON.stringify(a));
    return r.answers.some((a) => 'request_error' in a) ? 2 : 0;
  } catch (e) {
    if (!(e instanceof OracleFailure)) throw e;
    console.error(`bpflab oracle: ${e.message}`);
    return 1;
  }
}
