/**
 * llvm-objdump's text for one instruction: LLVM 14's spelling and decimal numbers, and LLVM 19's
 * spelling for what LLVM 14 cannot print (mod, jset, store immediate, sdiv/smod, movsx,
 * sign-extending loads, bswap, gotol, callx, the wider atomics). Where objdump would lose
 * information bpflab's assembler needs, the text says more: `r1 = map[fd:3] ll` for a map load,
 * `call pc+2` for a bpf-to-bpf call, `call kfunc 7`, `skb[r1 + 12]`. Instructions with no exact
 * spelling print as `.raw` (see canonical.ts).
 */
import { helperById, sizeName, type AluName, type Insn, type JmpName } from '../isa';
import { isCanonical, rawText } from './canonical';

/** Options of the llvm and ubpf printers. */
export interface PrintOptions {
  /** the map an ld_imm64 refers to by name (from `Program.mapRefs`) */
  mapName?: string;
  /** print `call bpf_map_lookup_elem` rather than `call 1` */
  helperNames?: boolean;
  /** the label of a jump's target, printed instead of its offset (goto and conditional jumps) */
  jumpLabel?: string;
}

const ALU_SYM: Record<AluName, string> = {
  add: '+=', sub: '-=', mul: '*=', div: '/=', or: '|=', and: '&=', lsh: '<<=', rsh: '>>=',
  mod: '%=', xor: '^=', arsh: 's>>=', sdiv: 's/=', smod: 's%=', mov: '=', neg: '=', movsx: '=',
};
const JMP_SYM: Record<JmpName, string> = {
  jeq: '==', jne: '!=', jgt: '>', jge: '>=', jlt: '<', jle: '<=', jsgt: 's>', jsge: 's>=', jslt: 's<', jsle: 's<=', jset: '&',
};

/** `+3`, `-2`, `+0`: a jump offset as objdump prints it. */
export const signed = (n: number): string => (n < 0 ? `${n}` : `+${n}`);
/** `r1 + 4`, `r10 - 8`: base and offset inside a memory operand. */
const mem = (reg: number, off: number): string => `r${reg} ${off < 0 ? '-' : '+'} ${Math.abs(off)}`;

/** One instruction in llvm-objdump's pseudo-C. */
export function llvmInsnText(insn: Insn, opts: PrintOptions = {}): string {
  if (!isCanonical(insn, 10)) return rawText(insn);
  const { dst: d, src: s, off, imm } = insn;
  switch (insn.kind) {
    case 'alu': {
      const R = insn.alu64 ? 'r' : 'w';
      if (insn.op === 'neg') return `${R}${d} = -${R}${d}`;
      if (insn.op === 'movsx') return `${R}${d} = (s${insn.extendBits})${R}${s}`;
      return `${R}${d} ${ALU_SYM[insn.op]} ${insn.useSrc ? `${R}${s}` : imm}`;
    }
    case 'end':
      return `r${d} = ${insn.order}${imm} r${d}`;
    case 'ld_imm64':
      if (insn.src === 1) return `r${d} = map[${opts.mapName ?? `fd:${imm}`}] ll`;
      if (insn.src === 2) return `r${d} = map_value[fd:${imm}] ${insn.next.imm < 0 ? '-' : '+'} ${Math.abs(insn.next.imm)} ll`;
      return `r${d} = ${BigInt.asIntN(64, insn.imm64)} ll`;
    case 'ld_abs':
      return `r0 = *(${sizeName(insn.bytes)} *)skb[${imm}]`;
    case 'ld_ind':
      return `r0 = *(${sizeName(insn.bytes)} *)skb[r${s}${imm === 0 ? '' : ` ${imm < 0 ? '-' : '+'} ${Math.abs(imm)}`}]`;
    case 'ldx':
      return `r${d} = *(${insn.signExtend ? 's' : 'u'}${insn.bytes * 8} *)(${mem(s, off)})`;
    case 'st':
      return `*(${sizeName(insn.bytes)} *)(${mem(d, off)}) = ${imm}`;
    case 'stx':
      return `*(${sizeName(insn.bytes)} *)(${mem(d, off)}) = r${s}`;
    case 'atomic':
      return atomicText(insn);
    case 'ja':
      return insn.long ? `gotol ${signed(imm)}` : `goto ${opts.jumpLabel ?? signed(off)}`;
    case 'jcond': {
      const R = insn.jmp32 ? 'w' : 'r';
      return `if ${R}${d} ${JMP_SYM[insn.op]} ${insn.useSrc ? `${R}${s}` : imm} goto ${opts.jumpLabel ?? signed(off)}`;
    }
    case 'call':
      if (insn.target === 'local') return `call pc${signed(imm)}`;
      if (insn.target === 'kfunc') return `call kfunc ${imm}`;
      return opts.helperNames && helperById(imm) && imm > 0 ? `call bpf_${helperById(imm)!.name}` : `call ${imm}`;
    case 'callx':
      return `callx r${d}`;
    case 'exit':
      return 'exit';
    default:
      return rawText(insn);
  }
}

function atomicText(insn: Extract<Insn, { kind: 'atomic' }>): string {
  const { dst: d, src: s, off } = insn;
  const wide = insn.bytes === 8;
  const R = wide ? 'r' : 'w';
  const p = `*(${sizeName(insn.bytes)} *)(${mem(d, off)})`;
  if (insn.aop === 'cmpxchg') return wide ? `r0 = cmpxchg_64(${mem(d, off)}, r0, r${s})` : `w0 = cmpxchg32_32(${mem(d, off)}, w0, w${s})`;
  if (insn.aop === 'xchg') return wide ? `r${s} = xchg_64(${mem(d, off)}, r${s})` : `w${s} = xchg32_32(${mem(d, off)}, w${s})`;
  if (insn.fetch) return `${R}${s} = atomic_fetch_${insn.aop}((${sizeName(insn.bytes)} *)(${mem(d, off)}), ${R}${s})`;
  // 4.8's XADD prints with an r register (as LLVM 14 and the kernel do); the later ones as LLVM 19
  const sym = { add: '+=', or: '|=', and: '&=', xor: '^=' }[insn.aop];
  return `lock ${p} ${sym} ${insn.aop === 'add' ? 'r' : R}${s}`;
}
