/**
 * The opcode byte of an eBPF instruction, split into the kernel's named parts.
 *
 *   ALU/JMP:   +----------------+--------+--------------------+
 *              |   op (4 bits)  | source |  class (3 bits)    |
 *              +----------------+--------+--------------------+
 *   LD/ST:     +--------+-----------+-------------------------+
 *              | mode 3 |  size 2   |     class (3 bits)      |
 *              +--------+-----------+-------------------------+
 *
 * Values are those of linux/bpf_common.h and linux/bpf.h (4.8), plus the later classes and
 * modes of RFC 9669, which are marked as such where they are used.
 */

export const Class = {
  LD: 0x00,
  LDX: 0x01,
  ST: 0x02,
  STX: 0x03,
  ALU: 0x04,
  JMP: 0x05,
  /** RFC 9669 (Linux 5.1): 32-bit compares. In 4.8 this was classic BPF's RET, an unknown class. */
  JMP32: 0x06,
  ALU64: 0x07,
} as const;

export const Size = { W: 0x00, H: 0x08, B: 0x10, DW: 0x18 } as const;
type SizeValue = (typeof Size)[keyof typeof Size];

export const Mode = {
  IMM: 0x00,
  ABS: 0x20,
  IND: 0x40,
  MEM: 0x60,
  /** classic BPF only */
  LEN: 0x80,
  /** classic BPF only */
  MSH: 0xa0,
  /** RFC 9669 (Linux 6.6): sign-extending loads, BPF_LDX only */
  MEMSX: 0x80,
  /** BPF_XADD in 4.8; BPF_ATOMIC later, with the operation in imm */
  XADD: 0xc0,
} as const;

/** Source bit of ALU and JMP opcodes. For END it selects the byte order instead. */
export const Src = { K: 0x00, X: 0x08 } as const;

export const AluOp = {
  ADD: 0x00,
  SUB: 0x10,
  MUL: 0x20,
  DIV: 0x30,
  OR: 0x40,
  AND: 0x50,
  LSH: 0x60,
  RSH: 0x70,
  NEG: 0x80,
  MOD: 0x90,
  XOR: 0xa0,
  MOV: 0xb0,
  ARSH: 0xc0,
  END: 0xd0,
} as const;

export const JmpOp = {
  JA: 0x00,
  JEQ: 0x10,
  JGT: 0x20,
  JGE: 0x30,
  JSET: 0x40,
  JNE: 0x50,
  JSGT: 0x60,
  JSGE: 0x70,
  CALL: 0x80,
  EXIT: 0x90,
  /** RFC 9669 (Linux 4.14) */
  JLT: 0xa0,
  JLE: 0xb0,
  JSLT: 0xc0,
  JSLE: 0xd0,
} as const;

/** BPF_END's byte order, carried in the source bit. */
export const Endian = { TO_LE: 0x00, TO_BE: 0x08 } as const;

/** Atomic operations (imm of a BPF_ATOMIC store). 4.8 knows only ADD with no FETCH, i.e. XADD. */
export const AtomicOp = {
  ADD: 0x00,
  OR: 0x40,
  AND: 0x50,
  XOR: 0xa0,
  FETCH: 0x01,
  XCHG: 0xe0 | 0x01,
  CMPXCHG: 0xf0 | 0x01,
} as const;

/** src_reg values of ld_imm64 and call. */
export const Pseudo = {
  /** ld_imm64: imm is a map fd (the only pseudo source in 4.8) */
  MAP_FD: 1,
  /** ld_imm64: map fd + offset into its value (Linux 5.2) */
  MAP_VALUE: 2,
  /** call: a bpf-to-bpf call, imm is the relative offset (Linux 4.16) */
  CALL: 1,
  /** call: a kernel function by BTF id (Linux 5.13) */
  KFUNC_CALL: 2,
} as const;

/** Bytes moved by a load or store of the given size field. */
export function sizeBytes(size: number): 1 | 2 | 4 | 8 {
  switch (size & 0x18) {
    case Size.B:
      return 1;
    case Size.H:
      return 2;
    case Size.W:
      return 4;
    default:
      return 8;
  }
}

/** The size field for a width in bytes. */
export function sizeField(bytes: 1 | 2 | 4 | 8): SizeValue {
  return bytes === 1 ? Size.B : bytes === 2 ? Size.H : bytes === 4 ? Size.W : Size.DW;
}

/** The kernel's C type names for access sizes, as printed in logs: u8, u16, u32, u64. */
export const sizeName = (bytes: number): string => `u${bytes * 8}`;
