/**
 * The Linux 4.8 verifier log's text for one instruction (kernel/bpf/verifier.c print_bpf_insn),
 * without the `N: ` index the caller prints. The form is chosen from the class and the X bit
 * alone, exactly as 4.8 does, so odd encodings print oddly (`(9d) if r0 exit r0 goto pc+0`) and
 * table holes print as printk's `(null)`. Non-goals: later kernels' forms (`w` registers, helper
 * names, 64-bit ld_imm64 values); those belong to the llvm printer.
 */
import { Class, Mode, Src, type RawInsn } from '../isa';

/** bpf_alu_string, indexed by op >> 4; holes print as printk prints a NULL %s. */
const ALU_SYM = ['+=', '-=', '*=', '/=', '|=', '&=', '<<=', '>>=', 'neg', '%=', '^=', '=', 's>>=', 'endian', '(null)', '(null)'];
/** bpf_jmp_string, indexed by op >> 4 */
const JMP_SYM = ['jmp', '==', '>', '>=', '&', '!=', 's>', 's>=', 'call', 'exit', '(null)', '(null)', '(null)', '(null)', '(null)', '(null)'];
/** bpf_ldst_string, indexed by size >> 3 */
const LDST = ['u32', 'u16', 'u8', 'u64'];
/** bpf_class_string: only class 6 (classic RET) reaches the fallback. */
const CLASS_NAME = ['ld', 'ldx', 'st', 'stx', 'alu', 'jmp', 'BUG', 'alu64'];

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');
/** `%+d` of a signed offset */
const signed = (n: number): string => (n < 0 ? `${n}` : `+${n}`);
/** `0x%x` of a 32-bit value */
const hex32 = (n: number): string => `0x${(n >>> 0).toString(16)}`;

/** One instruction as 4.8's verifier log prints it, e.g. `(bf) r6 = r1`. */
export function kernelInsnText(insn: RawInsn): string {
  const { code, dst, src, off } = insn;
  const imm = insn.imm | 0;
  const op = `(${hex2(code)})`;
  const cls = code & 0x07;
  const size = LDST[(code & 0x18) >> 3];
  const mode = code & 0xe0;
  switch (cls) {
    case Class.ALU:
    case Class.ALU64: {
      const u = cls === Class.ALU ? '(u32) ' : '';
      const sym = ALU_SYM[(code & 0xf0) >> 4];
      const rhs = (code & Src.X) !== 0 ? `r${src}` : `${imm}`;
      return `${op} ${u}r${dst} ${sym} ${u}${rhs}`;
    }
    case Class.STX:
      if (mode === Mode.MEM) return `${op} *(${size} *)(r${dst} ${signed(off)}) = r${src}`;
      if (mode === Mode.XADD) return `${op} lock *(${size} *)(r${dst} ${signed(off)}) += r${src}`;
      return `BUG_${hex2(code)}`;
    case Class.ST:
      if (mode !== Mode.MEM) return `BUG_st_${hex2(code)}`;
      return `${op} *(${size} *)(r${dst} ${signed(off)}) = ${imm}`;
    case Class.LDX:
      if (mode !== Mode.MEM) return `BUG_ldx_${hex2(code)}`;
      return `${op} r${dst} = *(${size} *)(r${src} ${signed(off)})`;
    case Class.LD:
      if (mode === Mode.ABS) return `${op} r0 = *(${size} *)skb[${imm}]`;
      if (mode === Mode.IND) return `${op} r0 = *(${size} *)skb[r${src} + ${imm}]`;
      if (mode === Mode.IMM) return `${op} r${dst} = ${hex32(imm)}`;
      return `BUG_ld_${hex2(code)}`;
    case Class.JMP: {
      const jop = code & 0xf0;
      if (jop === 0x80) return `${op} call ${imm}`;
      if (code === 0x05) return `${op} goto pc${signed(off)}`;
      if (code === 0x95) return `${op} exit`;
      const rhs = (code & Src.X) !== 0 ? `r${src}` : hex32(imm);
      return `${op} if r${dst} ${JMP_SYM[jop >> 4]} ${rhs} goto pc${signed(off)}`;
    }
    default:
      return `${op} ${CLASS_NAME[cls]}`;
  }
}
