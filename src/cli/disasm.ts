/**
 * `bpflab disasm FILE [--format kernel|llvm|ubpf] [--raw]`: disassembles FILE (`-` for stdin),
 * one instruction a line. FILE holds one slot a line as 16 hex characters (what `asm` prints),
 * or JSON with an "insns" array (what `asm --json` prints: its maps and map_fixups name the
 * map loads, and llvm/ubpf output then starts with the directives, so it reassembles to the
 * same request), or raw bytes with --raw. The default format is llvm.
 */
import { disassemble, type DisasmFormat } from '../asm';
import { hexToSlots } from '../isa';
import type { MapRef } from '../program';
import { parseArgs, readInput } from './read-input';

const USAGE = 'usage: bpflab disasm FILE [--format kernel|llvm|ubpf] [--raw]   (FILE may be - for stdin)';

interface Parsed {
  bytes: Uint8Array;
  mapRefs: MapRef[];
  header: string[];
}

export async function main(args: string[]): Promise<number> {
  const parsed = parseArgs(args, ['--format'], ['--raw', '--helper-names']);
  if (typeof parsed === 'string' || parsed.positional.length !== 1) {
    console.error(`bpflab disasm: ${typeof parsed === 'string' ? parsed : 'expected one FILE'}\n${USAGE}`);
    return 2;
  }
  const format = parsed.flags.get('--format') ?? 'llvm';
  if (format !== 'kernel' && format !== 'llvm' && format !== 'ubpf') {
    console.error(`bpflab disasm: --format must be kernel, llvm or ubpf, not ${format}\n${USAGE}`);
    return 2;
  }
  const file = parsed.positional[0];
  const input = await readInput(file);
  const name = file === '-' ? '<stdin>' : file;
  const p = typeof input === 'string' ? input : parsed.flags.has('--raw') ? fromRaw(input, name) : fromText(new TextDecoder().decode(input), name);
  if (typeof p === 'string') {
    console.error(`bpflab disasm: ${p}`);
    return 1;
  }
  const lines = disassemble(p.bytes, format as DisasmFormat, { mapRefs: p.mapRefs, helperNames: parsed.flags.has('--helper-names') });
  if (format !== 'kernel') for (const h of p.header) console.log(h);
  for (const l of lines) console.log(l);
  return 0;
}

function fromRaw(bytes: Uint8Array, name: string): Parsed | string {
  if (bytes.length % 8) return `${name}: ${bytes.length} bytes is not a whole number of 8-byte instructions`;
  return { bytes, mapRefs: [], header: [] };
}

function fromText(text: string, name: string): Parsed | string {
  if (/^\s*\{/.test(text)) return fromJson(text, name);
  const slots: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].replace(/#.*/, '').replace(/\s+/g, '');
    if (!l) continue;
    if (!/^[0-9a-fA-F]{16}$/.test(l)) {
      return `${name}:${i + 1}: expected 16 hex characters (one 8-byte slot in memory order), found ${JSON.stringify(lines[i].trim().slice(0, 40))}`;
    }
    slots.push(l);
  }
  return { bytes: hexToSlots(slots) as Uint8Array, mapRefs: [], header: [] };
}

function fromJson(text: string, name: string): Parsed | string {
  let req: Record<string, unknown>;
  try {
    req = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    return `${name}: not valid JSON (${(e as Error).message})`;
  }
  if (!req || typeof req !== 'object' || !Array.isArray(req.insns)) return `${name}: JSON input needs an "insns" array of 16-hex-character strings`;
  const bytes = hexToSlots(req.insns);
  if (typeof bytes === 'string') return `${name}: ${bytes}`;
  const fixups = Array.isArray(req.map_fixups) ? (req.map_fixups as { insn?: unknown; map?: unknown }[]) : [];
  const mapRefs = fixups.filter((f) => typeof f.insn === 'number' && typeof f.map === 'string').map((f) => ({ pc: f.insn as number, map: f.map as string }));
  return { bytes, mapRefs, header: header(req) };
}

/** Directives that give back what the request says beside its instructions. */
function header(req: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (typeof req.prog_type === 'string') out.push(`.type ${req.prog_type}`);
  if (typeof req.license === 'string') out.push(`.license ${JSON.stringify(req.license)}`);
  if (typeof req.kern_version === 'number') out.push(`.kern_version 0x${req.kern_version.toString(16).padStart(6, '0')}`);
  for (const m of Array.isArray(req.maps) ? (req.maps as Record<string, unknown>[]) : []) {
    const flags = m.flags ? ` flags=${m.flags}` : '';
    out.push(`.map ${m.name} ${m.type} key=${m.key_size} value=${m.value_size} entries=${m.max_entries}${flags}`);
    for (const e of Array.isArray(m.entries) ? (m.entries as { key: string; value: string }[]) : []) out.push(`.entry ${m.name} key=${e.key} value=${e.value}`);
  }
  return out;
}
