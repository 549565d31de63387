/**
 * The ubpf-style text of the conformance corpus for one instruction: `%r` registers, decimal
 * immediates, hex ld_imm64 values, `+N` jump offsets, `[%r1+4]` memory operands; rbpf's
 * `ldabs*`/`ldind*` for the packet loads, and bpflab's `lddw %r1, map[...]` for map loads.
 * Instructions with no exact spelling print as `.raw` (see canonical.ts).
 */
import type { Insn } from '../isa';
import { isCanonical, rawText } from './canonical';
import type { PrintOptions } from './print-llvm';
import { signed } from './print-llvm';

const SUFFIX: Record<number, string> = { 1: 'b', 2: 'h', 4: 'w', 8: 'dw' };
const memref = (reg: number, off: number): string => `[%r${reg}${off === 0 ? '' : signed(off)}]`;

/** One instruction in the ubpf-style syntax. */
export function ubpfInsnText(insn: Insn, opts: PrintOptions = {}): string {
  if (!isCanonical(insn, 15)) return rawText(insn);
  const { dst: d, src: s, off, imm } = insn;
  switch (insn.kind) {
    case 'alu': {
      const w = insn.alu64 ? '' : '32';
      if (insn.op === 'neg') return `neg${w} %r${d}`;
      if (insn.op === 'movsx') return `movsx${insn.extendBits}${insn.alu64 ? 64 : 32} %r${d}, %r${s}`;
      return `${insn.op}${w} %r${d}, ${insn.useSrc ? `%r${s}` : imm}`;
    }
    case 'end':
      return `${insn.order}${imm} %r${d}`;
    case 'ld_imm64':
      if (insn.src === 1) return `lddw %r${d}, map[${opts.mapName ?? `fd:${imm}`}]`;
      if (insn.src === 2) return `lddw %r${d}, map_value[fd:${imm}]${signed(insn.next.imm)}`;
      return `lddw %r${d}, 0x${insn.imm64.toString(16)}`;
    case 'ld_abs':
      return `ldabs${SUFFIX[insn.bytes]} ${imm}`;
    case 'ld_ind':
      return `ldind${SUFFIX[insn.bytes]} %r${s}, ${imm}`;
    case 'ldx':
      return `ldx${insn.signExtend ? 's' : ''}${SUFFIX[insn.bytes]} %r${d}, ${memref(s, off)}`;
    case 'st':
      return `st${SUFFIX[insn.bytes]} ${memref(d, off)}, ${imm}`;
    case 'stx':
      return `stx${SUFFIX[insn.bytes]} ${memref(d, off)}, %r${s}`;
    case 'atomic': {
      const w = insn.bytes === 4 ? '32' : '';
      const fetch = insn.fetch && insn.aop !== 'xchg' && insn.aop !== 'cmpxchg' ? 'fetch ' : '';
      return `lock ${fetch}${insn.aop}${w} ${memref(d, off)}, %r${s}`;
    }
    case 'ja':
      return insn.long ? `ja32 ${signed(imm)}` : `ja ${opts.jumpLabel ?? signed(off)}`;
    case 'jcond':
      return `${insn.op}${insn.jmp32 ? '32' : ''} %r${d}, ${insn.useSrc ? `%r${s}` : imm}, ${opts.jumpLabel ?? signed(off)}`;
    case 'call':
      if (insn.target === 'local') return `call local ${signed(imm)}`;
      if (insn.target === 'kfunc') return `call runtime ${imm}`;
      return `call ${imm}`;
    case 'callx':
      return `call %r${d}`;
    case 'exit':
      return 'exit';
    default:
      return rawText(insn);
  }
}
