/**
 * `bpflab load OBJECT [--section S] [--type T] [--log-level N] [--json] [--kernel]`: loads the
 * program sections of a clang object through the simulated Linux 4.8, as `bpftool prog load`
 * does through a real kernel: every map of the object is created, then the section is loaded
 * with the verifier's log (level 1 and the largest buffer 4.8 takes unless --log-level says
 * otherwise; printed when the load fails, or always with --log-level). Without --section every program section is loaded in turn. The
 * answers are `run --json`'s (one request `{"object", "section"}` a section, so the same file
 * can be given to `run --json` with maps and a run added); `--kernel` asks this machine's kernel
 * through the kernel oracle instead. Exits 0 when every section loads, 1 when one is refused, 2
 * on a usage or request error, 3 when --kernel finds no kernel to ask.
 */
import { resolve } from 'node:path';
import { readBpfObject } from '../elf';
import { byName, PROG_TYPE_NAMES } from '../isa';
import { answerValue, type Answer } from '../session/request';
import { LOG_SIZE_MAX } from '../verifier';
import { askHost, OracleFailure } from './host-kernel';
import { objectReader, parseArgs } from './read-input';

const USAGE = 'usage: bpflab load OBJECT [--section S] [--type T] [--log-level N] [--json] [--kernel]';

type Parsed = { file: string; section?: string; type?: number; logLevel?: number; json: boolean; kernel: boolean };

function options(args: string[]): Parsed | string {
  const p = parseArgs(args, ['--section', '--type', '--log-level'], ['--json', '--kernel']);
  if (typeof p === 'string') return p;
  if (p.positional.length !== 1 || p.positional[0] === '-') return 'expected one OBJECT file';
  const out: Parsed = { file: p.positional[0], section: p.flags.get('--section'), json: p.flags.has('--json'), kernel: p.flags.has('--kernel') };
  const type = p.flags.get('--type');
  if (type !== undefined) {
    out.type = byName(PROG_TYPE_NAMES, type);
    if (out.type === undefined) return `--type: unknown program type ${type} (known: ${Object.values(PROG_TYPE_NAMES).join(', ')})`;
  }
  const level = p.flags.get('--log-level');
  if (level !== undefined) {
    if (!/^\d+$/.test(level) || Number(level) > 0xffffffff) return `--log-level: expected a number, not ${level}`;
    out.logLevel = Number(level);
  }
  return out;
}

/** What a person reads for one section's answer. */
function describe(a: Answer, section: string, showLog: boolean): string {
  if ('request_error' in a) return `bpflab load: ${a.request_error}`;
  const type = a.load.ok ? 'loaded' : `PROG_LOAD failed: ${a.load.error}`;
  const lines = [`section ${section}: ${type}`];
  if (a.load.reason) lines.push(`why: ${a.load.reason}`);
  if ((showLog || !a.load.ok) && a.load.log) lines.push(a.load.log.replace(/\n$/, ''));
  return lines.join('\n');
}

export async function main(args: string[]): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const o = options(args);
  if (typeof o === 'string') {
    console.error(`bpflab load: ${o}\n${USAGE}`);
    return 2;
  }
  const readObject = objectReader(process.cwd());
  const bytes = readObject(o.file);
  if (typeof bytes === 'string') {
    console.error(`bpflab load: ${bytes}`);
    return 2;
  }
  const object = readBpfObject(bytes);
  if (!object.ok) {
    console.error(`bpflab load: ${o.file}: ${object.error}`);
    return 2;
  }
  const sections = o.section !== undefined ? [o.section] : object.object.programs.map((p) => p.section);
  if (!sections.length) {
    console.error(`bpflab load: ${o.file} holds no program section`);
    return 2;
  }
  const requests = sections.map((section) => ({
    object: resolve(o.file),
    section,
    ...(o.type === undefined ? {} : { prog_type: o.type }),
    // the largest log 4.8 takes: a kretprobe that unrolls its loops logs more than 1 MiB at level 1
    ...(o.logLevel === 0 ? { log_level: 0 } : { log_level: o.logLevel ?? 1, log_size: LOG_SIZE_MAX }),
  }));
  for (const p of object.object.programs) {
    if (p.warning && sections.includes(p.section)) console.error(`warning: section ${p.section}: ${p.warning}`);
  }
  let answers: Answer[];
  if (o.kernel) {
    try {
      const r = askHost(requests, undefined, readObject);
      if (!r.available) {
        console.error(`bpflab load: no kernel to ask: ${r.why}`);
        return 3;
      }
      answers = r.answers;
    } catch (e) {
      if (!(e instanceof OracleFailure)) throw e;
      console.error(`bpflab load: ${e.message}`);
      return 1;
    }
  } else answers = requests.map((r) => answerValue(r, { readObject }));
  answers.forEach((a, i) => {
    // the kernel's answers name no section: the section asked goes in, as bpflab's answers have it
    const shown = 'request_error' in a || a.section !== undefined ? a : { ...a, section: sections[i] };
    if (o.json) console.log(answers.length === 1 ? JSON.stringify(shown, null, 1) : JSON.stringify(shown));
    else console.log(describe(a, sections[i], o.logLevel !== undefined));
  });
  if (answers.some((a) => 'request_error' in a)) return 2;
  return answers.every((a) => !('request_error' in a) && a.load.ok) ? 0 : 1;
}
