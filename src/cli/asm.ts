/**
 * `bpflab asm FILE [--syntax auto|llvm|ubpf] [--json]`: assembles FILE (`-` for stdin) and
 * prints one 8-byte slot a line as 16 lowercase hex characters in memory order. With `--json`
 * it prints a kernel-oracle request ({"insns", and "maps", "map_fixups", "prog_type",
 * "license", "kern_version" when the source sets them}), or {"errors": [...]}.
 * Errors go to stderr as FILE:LINE:COL: message, with exit status 1.
 */
import { assemble, type Diagnostic } from '../asm';
import { slotsToHex } from '../isa';
import type { Program } from '../program';
import { exportRequest } from '../session/export';
import { parseArgs, readInput } from './read-input';

const USAGE = 'usage: bpflab asm FILE [--syntax auto|llvm|ubpf] [--json]   (FILE may be - for stdin)';

export async function main(args: string[]): Promise<number> {
  const parsed = parseArgs(args, ['--syntax'], ['--json']);
  if (typeof parsed === 'string' || parsed.positional.length !== 1) {
    console.error(`bpflab asm: ${typeof parsed === 'string' ? parsed : 'expected one FILE'}\n${USAGE}`);
    return 2;
  }
  const syntax = parsed.flags.get('--syntax') ?? 'auto';
  if (syntax !== 'auto' && syntax !== 'llvm' && syntax !== 'ubpf') {
    console.error(`bpflab asm: --syntax must be auto, llvm or ubpf, not ${syntax}\n${USAGE}`);
    return 2;
  }
  const file = parsed.positional[0];
  const input = await readInput(file);
  if (typeof input === 'string') {
    console.error(`bpflab asm: ${input}`);
    return 1;
  }
  const json = parsed.flags.has('--json');
  const r = assemble(new TextDecoder().decode(input), { syntax });
  const name = file === '-' ? '<stdin>' : file;
  const where = (d: Diagnostic) => `${name}:${d.line}:${d.col}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`;
  for (const d of r.diagnostics) if (d.severity === 'warning' || !json) console.error(where(d));
  if (!r.ok) {
    if (json) {
      const errors = r.diagnostics.filter((d) => d.severity === 'error').map(({ severity: _s, ...d }) => d);
      console.log(JSON.stringify({ errors }));
    }
    return 1;
  }
  if (json) console.log(JSON.stringify(oracleRequest(r.program)));
  else for (const h of slotsToHex(r.program.bytes)) console.log(h);
  return 0;
}

/**
 * The program as a `run --json` request (session/export's), keeping only the
 * keys the source sets: no defaults for the type and license, no maps or entries when none.
 */
function oracleRequest(p: Program): Record<string, unknown> {
  const full = exportRequest(p);
  const d = p.directives;
  return {
    ...(d.progType === undefined ? {} : { prog_type: full.prog_type }),
    insns: full.insns,
    ...(d.license === undefined ? {} : { license: full.license }),
    ...(d.kernVersion === undefined ? {} : { kern_version: full.kern_version }),
    ...(p.maps.length ? { maps: full.maps.map(({ entries, ...m }) => (entries.length ? { ...m, entries } : m)), map_fixups: full.map_fixups } : {}),
  };
}
