/**
 * The ubpf-style mnemonics as data: the one table the assembler parses with (src/asm's
 * parse-ubpf) and the editor highlights, explains and completes from (app/monaco), so the two
 * cannot drift apart. Each mnemonic has a shape (what it encodes), an operand reminder, the
 * same instruction in the kernel/LLVM syntax, a sentence for learners, and the kernel that
 * brought it when that is later than Linux 4.8.
 */
import type { AluName, Bytes, JmpName } from './insn';

/** What a mnemonic encodes. */
export type MnemonicShape =
  | { k: 'alu'; op: AluName; alu64: boolean }
  | { k: 'neg'; alu64: boolean }
  | { k: 'end'; order: 'le' | 'be' | 'bswap'; bits: number }
  | { k: 'movsx'; alu64: boolean; bits: 8 | 16 | 32 }
  | { k: 'lddw' }
  | { k: 'ld_map_fd' }
  | { k: 'ldx'; bytes: Bytes; signed: boolean }
  | { k: 'st'; bytes: Bytes }
  | { k: 'stx'; bytes: Bytes }
  | { k: 'ldabs'; bytes: Bytes }
  | { k: 'ldind'; bytes: Bytes }
  | { k: 'ja'; long: boolean }
  | { k: 'jcond'; op: JmpName; jmp32: boolean };

/** Operand count and a reminder of the operands, per shape (the assembler's message quotes it). */
export const MNEMONIC_OPERANDS: Record<MnemonicShape['k'], [count: number, hint: string]> = {
  alu: [2, 'a destination register and a register or immediate, e.g. add r1, 2'],
  neg: [1, 'one register, e.g. neg r1'],
  end: [1, 'one register, e.g. be16 r0'],
  movsx: [2, 'two registers, e.g. movsx832 r0, r1'],
  lddw: [2, 'a register and a 64-bit value or map, e.g. lddw r1, 0x1122334455667788'],
  ld_map_fd: [2, 'a register and a map name, e.g. ld_map_fd r1, counts'],
  ldx: [2, 'a register and a memory operand, e.g. ldxw r0, [r1+4]'],
  st: [2, 'a memory operand and an immediate, e.g. stw [r10-4], 5'],
  stx: [2, 'a memory operand and a register, e.g. stxw [r10-4], r1'],
  ldabs: [1, 'an offset into the packet, e.g. ldabsh 12'],
  ldind: [2, 'an index register and an offset, e.g. ldindb r1, 14'],
  ja: [1, 'a jump target, e.g. ja +2 or ja label'],
  jcond: [3, 'a register, a register or immediate, and a target, e.g. jeq r1, 0, +2'],
};

const SIZES: [string, Bytes][] = [['b', 1], ['h', 2], ['w', 4], ['dw', 8]];
const ALU: AluName[] = ['add', 'sub', 'mul', 'div', 'or', 'and', 'lsh', 'rsh', 'mod', 'xor', 'mov', 'arsh', 'sdiv', 'smod'];
const JMP: JmpName[] = ['jeq', 'jgt', 'jge', 'jset', 'jne', 'jsgt', 'jsge', 'jlt', 'jle', 'jslt', 'jsle'];

/** Every mnemonic and its shape, in a stable order (ALU, byte order, loads and stores, jumps). */
export const MNEMONICS: ReadonlyMap<string, MnemonicShape> = (() => {
  const m = new Map<string, MnemonicShape>();
  for (const op of ALU) {
    m.set(op, { k: 'alu', op, alu64: true });
    m.set(`${op}64`, { k: 'alu', op, alu64: true });
    m.set(`${op}32`, { k: 'alu', op, alu64: false });
  }
  m.set('neg', { k: 'neg', alu64: true }).set('neg64', { k: 'neg', alu64: true }).set('neg32', { k: 'neg', alu64: false });
  for (const bits of [16, 32, 64]) {
    m.set(`le${bits}`, { k: 'end', order: 'le', bits }).set(`be${bits}`, { k: 'end', order: 'be', bits });
    m.set(`bswap${bits}`, { k: 'end', order: 'bswap', bits }).set(`swap${bits}`, { k: 'end', order: 'bswap', bits });
  }
  for (const [name, alu64, bits] of [['movsx864', true, 8], ['movsx1664', true, 16], ['movsx3264', true, 32], ['movsx832', false, 8], ['movsx1632', false, 16]] as const) {
    m.set(name, { k: 'movsx', alu64, bits });
  }
  m.set('lddw', { k: 'lddw' }).set('ld_map_fd', { k: 'ld_map_fd' });
  for (const [s, bytes] of SIZES) {
    m.set(`ldx${s}`, { k: 'ldx', bytes, signed: false });
    if (bytes !== 8) m.set(`ldxs${s}`, { k: 'ldx', bytes, signed: true });
    m.set(`st${s}`, { k: 'st', bytes }).set(`stx${s}`, { k: 'stx', bytes });
    m.set(`ldabs${s}`, { k: 'ldabs', bytes }).set(`ldind${s}`, { k: 'ldind', bytes });
  }
  m.set('ja', { k: 'ja', long: false }).set('ja32', { k: 'ja', long: true });
  for (const op of JMP) {
    m.set(op, { k: 'jcond', op, jmp32: false }).set(`${op}32`, { k: 'jcond', op, jmp32: true });
  }
  return m;
})();

/** Words that begin a ubpf-style statement besides the mnemonics (their operands vary). */
export const UBPF_STATEMENT_WORDS = ['call', 'callx', 'exit', 'lock'] as const;

const ALU_DOC: Record<AluName, [sym: string, what: string]> = {
  add: ['+=', 'adds'],
  sub: ['-=', 'subtracts'],
  mul: ['*=', 'multiplies'],
  div: ['/=', 'divides, unsigned (by a zero register Linux 4.8 ends the program with r0 = 0)'],
  or: ['|=', 'ors'],
  and: ['&=', 'ands'],
  lsh: ['<<=', 'shifts left (the count is masked to the width)'],
  rsh: ['>>=', 'shifts right, logical (zeros come in)'],
  mod: ['%=', 'takes the remainder, unsigned'],
  xor: ['^=', 'xors'],
  mov: ['=', 'copies'],
  arsh: ['s>>=', 'shifts right, arithmetic (the sign bit is copied in)'],
  sdiv: ['s/=', 'divides, signed'],
  smod: ['s%=', 'takes the remainder, signed'],
  neg: ['= -', 'negates'],
  movsx: ['=', 'copies with sign extension'],
};

const JMP_DOC: Record<JmpName, [sym: string, what: string]> = {
  jeq: ['==', 'equal'],
  jne: ['!=', 'not equal'],
  jgt: ['>', 'greater, unsigned'],
  jge: ['>=', 'greater or equal, unsigned'],
  jlt: ['<', 'less, unsigned'],
  jle: ['<=', 'less or equal, unsigned'],
  jsgt: ['s>', 'greater, signed'],
  jsge: ['s>=', 'greater or equal, signed'],
  jslt: ['s<', 'less, signed'],
  jsle: ['s<=', 'less or equal, signed'],
  jset: ['&', 'the AND of both is not zero'],
};

const LATER_JMP: ReadonlySet<JmpName> = new Set(['jlt', 'jle', 'jslt', 'jsle']);
const U = (b: Bytes) => `u${b * 8}`;

/** What a mnemonic means, for the editor: its operands, the kernel syntax, a sentence, and when it came. */
interface MnemonicDoc {
  /** "dst, src|imm" */
  operands: string;
  /** the same instruction in the kernel/LLVM syntax, e.g. "r1 += r2" */
  llvm: string;
  /** one sentence for learners */
  text: string;
  /** the kernel that brought it, when later than Linux 4.8 ("Linux 4.14") */
  since?: string;
}

function aluDoc(s: Extract<MnemonicShape, { k: 'alu' }>): MnemonicDoc {
  const [sym, what] = ALU_DOC[s.op];
  const r = s.alu64 ? 'r' : 'w';
  const width = s.alu64 ? '64-bit' : '32-bit: on the low halves, the result zero-extended to 64 bits';
  const since = s.op === 'sdiv' || s.op === 'smod' ? 'Linux 6.6' : undefined;
  const text = `${what[0].toUpperCase()}${what.slice(1)} (${width}): dst ${sym} src, src a register or a sign-extended 32-bit immediate.`;
  return { operands: 'dst, src|imm', llvm: `${r}1 ${sym} ${r}2`, text, ...(since ? { since } : {}) };
}

function memDoc(s: Extract<MnemonicShape, { k: 'ldx' | 'st' | 'stx' | 'ldabs' | 'ldind' }>): MnemonicDoc {
  const n = `${s.bytes} byte${s.bytes > 1 ? 's' : ''}`;
  switch (s.k) {
    case 'ldx':
      return s.signed
        ? { operands: 'dst, [src+off]', llvm: `r0 = *(s${s.bytes * 8} *)(r1 +4)`, text: `Loads ${n} from memory at src+off, sign-extended to 64 bits.`, since: 'Linux 6.6' }
        : { operands: 'dst, [src+off]', llvm: `r0 = *(${U(s.bytes)} *)(r1 +4)`, text: `Loads ${n} from memory at src+off, zero-extended.` };
    case 'st':
      return { operands: '[dst+off], imm', llvm: `*(${U(s.bytes)} *)(r10 -8) = 5`, text: `Stores the immediate as ${n} at dst+off${s.bytes === 8 ? ' (sign-extended)' : ''}.` };
    case 'stx':
      return { operands: '[dst+off], src', llvm: `*(${U(s.bytes)} *)(r10 -8) = r1`, text: `Stores the low ${n} of src at dst+off.` };
    case 'ldabs':
      return { operands: 'imm', llvm: `r0 = *(${U(s.bytes)} *)skb[12]`, text: `LD_ABS: r0 = ${n} of the packet at offset imm, big-endian; needs the skb in r6. Out of the packet, the program ends with r0 = 0.` };
    case 'ldind':
      return { operands: 'src, imm', llvm: `r0 = *(${U(s.bytes)} *)skb[r1 + 14]`, text: `LD_IND: r0 = ${n} of the packet at src + imm, big-endian; needs the skb in r6.` };
  }
}

function jumpDoc(s: Extract<MnemonicShape, { k: 'ja' | 'jcond' }>): MnemonicDoc {
  if (s.k === 'ja') {
    return s.long
      ? { operands: 'target', llvm: 'gotol +2', text: 'Jumps always, with a 32-bit offset in imm.', since: 'Linux 6.6' }
      : { operands: 'target', llvm: 'goto +2', text: 'Jumps always: to pc + 1 + off, or to a label.' };
  }
  const [sym, what] = JMP_DOC[s.op];
  const r = s.jmp32 ? 'w' : 'r';
  const since = s.jmp32 ? 'Linux 5.1' : LATER_JMP.has(s.op) ? 'Linux 4.14' : undefined;
  const text = `Jumps if dst ${sym} src (${what})${s.jmp32 ? ', comparing the low 32 bits' : ''}: to pc + 1 + off, or to a label.`;
  return { operands: 'dst, src|imm, target', llvm: `if ${r}1 ${sym} ${r}2 goto +2`, text, ...(since ? { since } : {}) };
}

function shapeDoc(s: MnemonicShape): MnemonicDoc {
  switch (s.k) {
    case 'alu':
      return aluDoc(s);
    case 'neg':
      return s.alu64
        ? { operands: 'dst', llvm: 'r1 = -r1', text: 'Negates dst (64-bit).' }
        : { operands: 'dst', llvm: 'w1 = -w1', text: 'Negates the low 32 bits of dst; the result is zero-extended.' };
    case 'end':
      if (s.order === 'bswap') return { operands: 'dst', llvm: `r1 = bswap${s.bits} r1`, text: `Swaps the bytes of the low ${s.bits} bits unconditionally (zero-extended).`, since: 'Linux 6.6' };
      return s.order === 'be'
        ? { operands: 'dst', llvm: `r1 = be${s.bits} r1`, text: `Converts the low ${s.bits} bits between big-endian and host order (a byte swap on x86) and zero-extends.` }
        : { operands: 'dst', llvm: `r1 = le${s.bits} r1`, text: `Converts the low ${s.bits} bits between little-endian and host order (no swap on x86, but it truncates).` };
    case 'movsx': {
      const r = s.alu64 ? 'r' : 'w';
      return { operands: 'dst, src', llvm: `${r}1 = (s${s.bits})${r}2`, text: `Copies the low ${s.bits} bits of src, sign-extended to ${s.alu64 ? 64 : 32} bits.`, since: 'Linux 6.6' };
    }
    case 'lddw':
      return { operands: 'dst, imm64|map[NAME]', llvm: 'r1 = 0x1122334455667788 ll', text: 'Loads a 64-bit immediate (two instruction slots); with map[NAME] the map pointer.' };
    case 'ld_map_fd':
      return { operands: 'dst, NAME', llvm: 'r1 = map[NAME] ll', text: 'Loads the pointer of a declared map (an ld_imm64 with BPF_PSEUDO_MAP_FD).' };
    case 'ldx':
    case 'st':
    case 'stx':
    case 'ldabs':
    case 'ldind':
      return memDoc(s);
    case 'ja':
    case 'jcond':
      return jumpDoc(s);
  }
}

/** The documentation of a mnemonic, or undefined for a word that is not one. */
export function mnemonicDoc(name: string): MnemonicDoc | undefined {
  const s = MNEMONICS.get(name);
  return s ? shapeDoc(s) : undefined;
}
