/**
 * The disassembler: bytes to one line per instruction in one of three formats. `kernel` is the
 * Linux 4.8 verifier log's (`N: (bf) r6 = r1`, for display: it shows only the low half of an
 * ld_imm64, so it does not round-trip); `llvm` and `ubpf` reassemble to the same bytes.
 */
import { decodeProgram, type Insn } from '../isa';
import type { MapRef } from '../program';
import { kernelInsnText } from './print-kernel';
import { llvmInsnText, type PrintOptions } from './print-llvm';
import { ubpfInsnText } from './print-ubpf';

export type DisasmFormat = 'kernel' | 'llvm' | 'ubpf';

/** Options of `disassemble`. */
interface DisasmOptions {
  /** map loads by name (a Program's `mapRefs`), printed as `map[NAME]` */
  mapRefs?: readonly MapRef[];
  /** print helper calls by name (llvm format) */
  helperNames?: boolean;
  /** slot -> label: a goto or conditional jump to a labelled slot prints the label (llvm and ubpf) */
  labels?: ReadonlyMap<number, string>;
}

/** One instruction's text in a format (without the kernel format's `N: ` index). */
function formatInsn(insn: Insn, format: DisasmFormat, opts: PrintOptions = {}): string {
  if (format === 'kernel') return kernelInsnText(insn);
  return format === 'llvm' ? llvmInsnText(insn, opts) : ubpfInsnText(insn, opts);
}

/** The program's instructions, one line each; a trailing partial slot is ignored. */
export function disassemble(bytes: Uint8Array, format: DisasmFormat, opts: DisasmOptions = {}): string[] {
  const { insns, pcs } = decodeProgram(bytes);
  const names = new Map((opts.mapRefs ?? []).map((r) => [r.pc, r.map]));
  return insns.map((insn, i) => {
    const jump = insn.kind === 'jcond' || (insn.kind === 'ja' && !insn.long);
    const jumpLabel = jump ? opts.labels?.get(pcs[i] + 1 + insn.off) : undefined;
    const text = formatInsn(insn, format, { mapName: names.get(pcs[i]), helperNames: opts.helperNames, jumpLabel });
    return format === 'kernel' ? `${pcs[i]}: ${text}` : text;
  });
}
