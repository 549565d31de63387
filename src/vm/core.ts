/**
 * The interpreter's hot loop: one switch on the opcode byte, one line per opcode where it fits,
 * registers as 32-bit halves, no BigInt and no allocation on the straight path. `execute` runs
 * at most `max` instructions and leaves the state in the Cpu; it records nothing itself (the
 * Machine records around single instructions when it keeps history).
 *
 * Semantics are Linux's: 32-bit results zero-extend, shift counts are masked (&31, &63),
 * immediates are sign-extended for 64-bit operations and jumps, and division by zero follows
 * the Cpu's semantics mode (see divide()).
 */
import { bswap, divmod32, divmod64, truncate } from './alu';
import { OP_BAD, OP_BREAK } from './code';
import type { Cpu } from './cpu';
import { atomic } from './atomic';

/** bytes of a load or store by the opcode's size bits (BPF_W, BPF_H, BPF_B, BPF_DW) */
const WIDTH = new Int32Array([4, 2, 1, 8]);
/** the most instructions one call runs */
const MAX_SLICE = 0x3fffffff;

/** Runs up to `max` instructions (at most MAX_SLICE); returns how many ran (the one that stopped the run included). */
// eslint-disable-next-line max-lines-per-function -- the interpreter's switch, one line per opcode, is the one exception
export function execute(cpu: Cpu, max: number): number {
  const L = cpu.L;
  const H = cpu.H;
  // at most MAX_SLICE at once, so the count stays a small integer (callers loop for more)
  const want = max < MAX_SLICE ? max | 0 : MAX_SLICE;
  let left = want;
  let pc = cpu.pc | 0;
  cpu.forgetPlain(); // memory may have changed since the last slice
  outer: for (;;) {
    const code = cpu.code;
    const W = code.word;
    const OFF = code.off;
    const IMM = code.imm;
    for (;;) {
      if (left === 0) break outer;
      left--;
      const i = pc++;
      const w = W[i];
      const d = (w >>> 9) & 15;
      const s = w >>> 13;
      const imm = IMM[i];
      let v = 0;
      let t = 0;
      // prettier-ignore
      switch (w & 511) {
        // ALU64, immediate operand (sign-extended) and register operand
        case 0x07: v = L[d]; t = (v + imm) | 0; H[d] = (H[d] + (imm >> 31) + ((t >>> 0) < (v >>> 0) ? 1 : 0)) | 0; L[d] = t; break; // add
        case 0x0f: v = L[d]; t = (v + L[s]) | 0; H[d] = (H[d] + H[s] + ((t >>> 0) < (v >>> 0) ? 1 : 0)) | 0; L[d] = t; break;
        case 0x17: v = L[d]; H[d] = (H[d] - (imm >> 31) - ((v >>> 0) < (imm >>> 0) ? 1 : 0)) | 0; L[d] = (v - imm) | 0; break; // sub
        case 0x1f: v = L[d]; t = L[s]; H[d] = (H[d] - H[s] - ((v >>> 0) < (t >>> 0) ? 1 : 0)) | 0; L[d] = (v - t) | 0; break;
        case 0x27: v = L[d]; t = imm; H[d] = (Math.imul(v, imm >> 31) + Math.imul(H[d], t) + (((((v >>> 16) * (t >>> 0)) + Math.floor(((v & 65535) * (t >>> 0)) / 65536)) / 65536) | 0)) | 0; L[d] = Math.imul(v, t); break; // mul: the high half of v * t exact in doubles, as compiled code has it (jit/emit-alu.ts)
        case 0x2f: v = L[d]; t = L[s]; H[d] = (Math.imul(v, H[s]) + Math.imul(H[d], t) + (((((v >>> 16) * (t >>> 0)) + Math.floor(((v & 65535) * (t >>> 0)) / 65536)) / 65536) | 0)) | 0; L[d] = Math.imul(v, t); break;
        case 0x37: if (!divide(cpu, i, d, imm, imm >> 31, 0x37, false)) { pc = i; break outer; } break; // div, sdiv
        case 0x3f: if (!divide(cpu, i, d, L[s], H[s], 0x3f, true)) { pc = i; break outer; } break;
        case 0x47: L[d] |= imm; H[d] |= imm >> 31; break;                       // or
        case 0x4f: L[d] |= L[s]; H[d] |= H[s]; break;
        case 0x57: L[d] &= imm; H[d] &= imm >> 31; break;                       // and
        case 0x5f: L[d] &= L[s]; H[d] &= H[s]; break;
        case 0x67: v = imm & 63; if (v !== 0) { if (v < 32) { H[d] = (H[d] << v) | (L[d] >>> (32 - v)); L[d] <<= v; } else { H[d] = L[d] << (v - 32); L[d] = 0; } } break; // lsh
        case 0x6f: v = L[s] & 63; if (v !== 0) { if (v < 32) { H[d] = (H[d] << v) | (L[d] >>> (32 - v)); L[d] <<= v; } else { H[d] = L[d] << (v - 32); L[d] = 0; } } break;
        case 0x77: v = imm & 63; if (v !== 0) { if (v < 32) { L[d] = (L[d] >>> v) | (H[d] << (32 - v)); H[d] = H[d] >>> v; } else { L[d] = H[d] >>> (v - 32); H[d] = 0; } } break; // rsh
        case 0x7f: v = L[s] & 63; if (v !== 0) { if (v < 32) { L[d] = (L[d] >>> v) | (H[d] << (32 - v)); H[d] = H[d] >>> v; } else { L[d] = H[d] >>> (v - 32); H[d] = 0; } } break;
        case 0x87: case 0x8f: v = L[d]; L[d] = -v | 0; H[d] = (~H[d] + (v === 0 ? 1 : 0)) | 0; break; // neg
        case 0x97: if (!divide(cpu, i, d, imm, imm >> 31, 0x97, false)) { pc = i; break outer; } break; // mod, smod
        case 0x9f: if (!divide(cpu, i, d, L[s], H[s], 0x9f, true)) { pc = i; break outer; } break;
        case 0xa7: L[d] ^= imm; H[d] ^= imm >> 31; break;                       // xor
        case 0xaf: L[d] ^= L[s]; H[d] ^= H[s]; break;
        case 0xb7: L[d] = imm; H[d] = imm >> 31; break;                         // mov
        case 0xbf: v = OFF[i]; if (v === 0) { L[d] = L[s]; H[d] = H[s]; } else { L[d] = v === 32 ? L[s] : v === 16 ? (L[s] << 16) >> 16 : (L[s] << 24) >> 24; H[d] = L[d] >> 31; } break; // mov, movsx
        case 0xc7: v = imm & 63; if (v !== 0) { if (v < 32) { L[d] = (L[d] >>> v) | (H[d] << (32 - v)); H[d] = H[d] >> v; } else { L[d] = H[d] >> (v - 32); H[d] = H[d] >> 31; } } break; // arsh
        case 0xcf: v = L[s] & 63; if (v !== 0) { if (v < 32) { L[d] = (L[d] >>> v) | (H[d] << (32 - v)); H[d] = H[d] >> v; } else { L[d] = H[d] >> (v - 32); H[d] = H[d] >> 31; } } break;
        case 0xd7: bswap(L, H, d, imm); break;                                  // bswap16/32/64

        // ALU (32-bit): results zero-extend into the upper half
        case 0x04: L[d] = (L[d] + imm) | 0; H[d] = 0; break;                    // add32
        case 0x0c: L[d] = (L[d] + L[s]) | 0; H[d] = 0; break;
        case 0x14: L[d] = (L[d] - imm) | 0; H[d] = 0; break;                    // sub32
        case 0x1c: L[d] = (L[d] - L[s]) | 0; H[d] = 0; break;
        case 0x24: L[d] = Math.imul(L[d], imm); H[d] = 0; break;                // mul32
        case 0x2c: L[d] = Math.imul(L[d], L[s]); H[d] = 0; break;
        case 0x34: if (!divide(cpu, i, d, imm, imm >> 31, 0x34, false)) { pc = i; break outer; } break; // div32, sdiv32
        case 0x3c: if (!divide(cpu, i, d, L[s], H[s], 0x3c, true)) { pc = i; break outer; } break;
        case 0x44: L[d] |= imm; H[d] = 0; break;                                // or32
        case 0x4c: L[d] |= L[s]; H[d] = 0; break;
        case 0x54: L[d] &= imm; H[d] = 0; break;                                // and32
        case 0x5c: L[d] &= L[s]; H[d] = 0; break;
        case 0x64: L[d] <<= imm & 31; H[d] = 0; break;                          // lsh32
        case 0x6c: L[d] <<= L[s] & 31; H[d] = 0; break;
        case 0x74: L[d] >>>= imm & 31; H[d] = 0; break;                         // rsh32
        case 0x7c: L[d] >>>= L[s] & 31; H[d] = 0; break;
        case 0x84: case 0x8c: L[d] = -L[d] | 0; H[d] = 0; break;                // neg32
        case 0x94: if (!divide(cpu, i, d, imm, imm >> 31, 0x94, false)) { pc = i; break outer; } break; // mod32, smod32
        case 0x9c: if (!divide(cpu, i, d, L[s], H[s], 0x9c, true)) { pc = i; break outer; } break;
        case 0xa4: L[d] ^= imm; H[d] = 0; break;                                // xor32
        case 0xac: L[d] ^= L[s]; H[d] = 0; break;
        case 0xb4: L[d] = imm; H[d] = 0; break;                                 // mov32
        case 0xbc: v = OFF[i]; L[d] = v === 0 ? L[s] : v === 16 ? (L[s] << 16) >> 16 : (L[s] << 24) >> 24; H[d] = 0; break; // mov32, movsx32
        case 0xc4: L[d] >>= imm & 31; H[d] = 0; break;                          // arsh32
        case 0xcc: L[d] >>= L[s] & 31; H[d] = 0; break;
        case 0xd4: truncate(L, H, d, imm); break;                               // le16/32/64
        case 0xdc: if (imm === 16) { v = L[d]; L[d] = ((v & 255) << 8) | ((v >>> 8) & 255); H[d] = 0; } else bswap(L, H, d, imm); break; // be16/32/64

        // JMP: 64-bit compares, immediates sign-extended
        case 0x05: pc += OFF[i]; break;                                         // ja
        case 0x15: if (L[d] === imm && H[d] === imm >> 31) pc += OFF[i]; break; // jeq
        case 0x1d: if (L[d] === L[s] && H[d] === H[s]) pc += OFF[i]; break;
        case 0x25: if (H[d] !== imm >> 31 ? H[d] >>> 0 > imm >> 31 >>> 0 : L[d] >>> 0 > imm >>> 0) pc += OFF[i]; break;    // jgt
        case 0x2d: if (H[d] !== H[s] ? H[d] >>> 0 > H[s] >>> 0 : L[d] >>> 0 > L[s] >>> 0) pc += OFF[i]; break;
        case 0x35: if (H[d] !== imm >> 31 ? H[d] >>> 0 > imm >> 31 >>> 0 : L[d] >>> 0 >= imm >>> 0) pc += OFF[i]; break;    // jge
        case 0x3d: if (H[d] !== H[s] ? H[d] >>> 0 > H[s] >>> 0 : L[d] >>> 0 >= L[s] >>> 0) pc += OFF[i]; break;
        case 0x45: if (((L[d] & imm) | (H[d] & (imm >> 31))) !== 0) pc += OFF[i]; break; // jset
        case 0x4d: if (((L[d] & L[s]) | (H[d] & H[s])) !== 0) pc += OFF[i]; break;
        case 0x55: if (L[d] !== imm || H[d] !== imm >> 31) pc += OFF[i]; break; // jne
        case 0x5d: if (L[d] !== L[s] || H[d] !== H[s]) pc += OFF[i]; break;
        case 0x65: if (H[d] !== imm >> 31 ? H[d] > imm >> 31 : L[d] >>> 0 > imm >>> 0) pc += OFF[i]; break;    // jsgt
        case 0x6d: if (H[d] !== H[s] ? H[d] > H[s] : L[d] >>> 0 > L[s] >>> 0) pc += OFF[i]; break;
        case 0x75: if (H[d] !== imm >> 31 ? H[d] > imm >> 31 : L[d] >>> 0 >= imm >>> 0) pc += OFF[i]; break;    // jsge
        case 0x7d: if (H[d] !== H[s] ? H[d] > H[s] : L[d] >>> 0 >= L[s] >>> 0) pc += OFF[i]; break;
        case 0xa5: if (imm >> 31 !== H[d] ? imm >> 31 >>> 0 > H[d] >>> 0 : imm >>> 0 > L[d] >>> 0) pc += OFF[i]; break;    // jlt
        case 0xad: if (H[s] !== H[d] ? H[s] >>> 0 > H[d] >>> 0 : L[s] >>> 0 > L[d] >>> 0) pc += OFF[i]; break;
        case 0xb5: if (imm >> 31 !== H[d] ? imm >> 31 >>> 0 > H[d] >>> 0 : imm >>> 0 >= L[d] >>> 0) pc += OFF[i]; break;    // jle
        case 0xbd: if (H[s] !== H[d] ? H[s] >>> 0 > H[d] >>> 0 : L[s] >>> 0 >= L[d] >>> 0) pc += OFF[i]; break;
        case 0xc5: if (imm >> 31 !== H[d] ? imm >> 31 > H[d] : imm >>> 0 > L[d] >>> 0) pc += OFF[i]; break;    // jslt
        case 0xcd: if (H[s] !== H[d] ? H[s] > H[d] : L[s] >>> 0 > L[d] >>> 0) pc += OFF[i]; break;
        case 0xd5: if (imm >> 31 !== H[d] ? imm >> 31 > H[d] : imm >>> 0 >= L[d] >>> 0) pc += OFF[i]; break;    // jsle
        case 0xdd: if (H[s] !== H[d] ? H[s] > H[d] : L[s] >>> 0 >= L[d] >>> 0) pc += OFF[i]; break;

        // JMP32: compares of the low halves
        case 0x06: pc += imm; break;                                            // ja32 (gotol)
        case 0x16: if (L[d] === imm) pc += OFF[i]; break;                       // jeq32
        case 0x1e: if (L[d] === L[s]) pc += OFF[i]; break;
        case 0x26: if (L[d] >>> 0 > imm >>> 0) pc += OFF[i]; break;             // jgt32
        case 0x2e: if (L[d] >>> 0 > L[s] >>> 0) pc += OFF[i]; break;
        case 0x36: if (L[d] >>> 0 >= imm >>> 0) pc += OFF[i]; break;            // jge32
        case 0x3e: if (L[d] >>> 0 >= L[s] >>> 0) pc += OFF[i]; break;
        case 0x46: if ((L[d] & imm) !== 0) pc += OFF[i]; break;                 // jset32
        case 0x4e: if ((L[d] & L[s]) !== 0) pc += OFF[i]; break;
        case 0x56: if (L[d] !== imm) pc += OFF[i]; break;                       // jne32
        case 0x5e: if (L[d] !== L[s]) pc += OFF[i]; break;
        case 0x66: if (L[d] > imm) pc += OFF[i]; break;                         // jsgt32
        case 0x6e: if (L[d] > L[s]) pc += OFF[i]; break;
        case 0x76: if (L[d] >= imm) pc += OFF[i]; break;                        // jsge32
        case 0x7e: if (L[d] >= L[s]) pc += OFF[i]; break;
        case 0xa6: if (L[d] >>> 0 < imm >>> 0) pc += OFF[i]; break;             // jlt32
        case 0xae: if (L[d] >>> 0 < L[s] >>> 0) pc += OFF[i]; break;
        case 0xb6: if (L[d] >>> 0 <= imm >>> 0) pc += OFF[i]; break;            // jle32
        case 0xbe: if (L[d] >>> 0 <= L[s] >>> 0) pc += OFF[i]; break;
        case 0xc6: if (L[d] < imm) pc += OFF[i]; break;                         // jslt32
        case 0xce: if (L[d] < L[s]) pc += OFF[i]; break;
        case 0xd6: if (L[d] <= imm) pc += OFF[i]; break;                        // jsle32
        case 0xde: if (L[d] <= L[s]) pc += OFF[i]; break;

        // calls and exit: they may switch program or frame, so the loop reloads its arrays
        case 0x85:                                                              // call helper / call local
          cpu.pc = i;
          pc = s === 1 ? cpu.callLocal(i, i + 1 + imm) : cpu.callHelper(i, imm, want - left);
          if (pc < 0) { pc = i; break outer; }
          continue outer;
        case 0x8d:                                                              // callx: helper id in dst
          cpu.pc = i;
          pc = cpu.callHelper(i, L[d], want - left);
          if (pc < 0) { pc = i; break outer; }
          continue outer;
        case 0x95:                                                              // exit
          if (cpu.depth === 0) { cpu.exit(i); pc = i; break outer; }
          pc = cpu.returnLocal();
          continue outer;

        // LD: the 64-bit immediate, and packet loads through the host (big-endian)
        case 0x18: L[d] = imm; H[d] = code.imm2[i]; pc++; break;                // ld_imm64
        case 0x20: if (!cpu.loadSkb(i, imm, 4)) { pc = i; break outer; } break; // ld_abs w
        case 0x28: if (!cpu.loadSkb(i, imm, 2)) { pc = i; break outer; } break; // ld_abs h
        case 0x30: if (!cpu.loadSkb(i, imm, 1)) { pc = i; break outer; } break; // ld_abs b
        case 0x40: if (!cpu.loadSkb(i, (imm + L[s]) | 0, 4)) { pc = i; break outer; } break; // ld_ind w
        case 0x48: if (!cpu.loadSkb(i, (imm + L[s]) | 0, 2)) { pc = i; break outer; } break; // ld_ind h
        case 0x50: if (!cpu.loadSkb(i, (imm + L[s]) | 0, 1)) { pc = i; break outer; } break; // ld_ind b

        // LDX: dst = *(size *)(src + off), zero- or sign-extended
        case 0x61: case 0x69: case 0x71: case 0x79:                             // one call site for the four widths, so V8 inlines it
          v = cpu.load(L[s], H[s], OFF[i], WIDTH[(w >>> 3) & 3]); if (cpu.stop !== null) { pc = i; break outer; } L[d] = v; H[d] = cpu.vHi; break;
        case 0x81: v = cpu.load(L[s], H[s], OFF[i], 4); if (cpu.stop !== null) { pc = i; break outer; } L[d] = v; H[d] = v >> 31; break;
        case 0x89: v = cpu.load(L[s], H[s], OFF[i], 2); if (cpu.stop !== null) { pc = i; break outer; } L[d] = (v << 16) >> 16; H[d] = L[d] >> 31; break;
        case 0x91: v = cpu.load(L[s], H[s], OFF[i], 1); if (cpu.stop !== null) { pc = i; break outer; } L[d] = (v << 24) >> 24; H[d] = L[d] >> 31; break;

        // ST and STX: *(size *)(dst + off) = imm or src
        case 0x62: cpu.store(L[d], H[d], OFF[i], 4, imm, 0); if (cpu.stop !== null) { pc = i; break outer; } break;
        case 0x6a: cpu.store(L[d], H[d], OFF[i], 2, imm, 0); if (cpu.stop !== null) { pc = i; break outer; } break;
        case 0x72: cpu.store(L[d], H[d], OFF[i], 1, imm, 0); if (cpu.stop !== null) { pc = i; break outer; } break;
        case 0x7a: cpu.store(L[d], H[d], OFF[i], 8, imm, imm >> 31); if (cpu.stop !== null) { pc = i; break outer; } break;
        case 0x63: cpu.store(L[d], H[d], OFF[i], 4, L[s], 0); if (cpu.stop !== null) { pc = i; break outer; } break;
        case 0x6b: cpu.store(L[d], H[d], OFF[i], 2, L[s], 0); if (cpu.stop !== null) { pc = i; break outer; } break;
        case 0x73: cpu.store(L[d], H[d], OFF[i], 1, L[s], 0); if (cpu.stop !== null) { pc = i; break outer; } break;
        case 0x7b: cpu.store(L[d], H[d], OFF[i], 8, L[s], H[s]); if (cpu.stop !== null) { pc = i; break outer; } break;
        case 0xc3: if (!atomic(cpu, d, s, OFF[i], imm, 4)) { pc = i; break outer; } break; // xadd / atomics, 32-bit
        case 0xdb: if (!atomic(cpu, d, s, OFF[i], imm, 8)) { pc = i; break outer; } break; // xadd / atomics, 64-bit

        case OP_BREAK:                                                          // a breakpoint: stop before it
          left++;
          pc = i;
          cpu.atBreakpoint = true;
          break outer;

        case OP_BAD:
        default:
          cpu.fault(i, code.why.get(i) ?? `cannot run opcode 0x${(w & 511).toString(16)}`);
          pc = i;
          break outer;
      }
    }
  }
  cpu.pc = pc;
  const stop = cpu.stop;
  if (stop !== null && stop.kind === 'fault') {
    stop.pc = pc;
    stop.progId = cpu.code.id;
  }
  const ran = want - left;
  cpu.executed += ran;
  return ran;
}

/**
 * Division and modulo of every width and signedness (`op` is the opcode; the Cpu's pre-decoded
 * off is 1 for sdiv/smod). Returns false when the run ended. By zero, 'modern' gives quotient 0
 * and leaves the remainder's dst as it was (32-bit forms truncate it); '4.8' ends the program
 * with r0 = 0 as its interpreter's `if (SRC == 0) return 0;` does. Two 4.8 cases are worse: a
 * zero immediate (the verifier refuses it) and a 32-bit division by a register whose low half
 * is zero but whose high half is not (4.8 tests all 64 bits first): 4.8 divides by zero there,
 * which crashes the kernel, so bpflab stops with a fault that says so.
 */
function divide(cpu: Cpu, i: number, d: number, bl: number, bh: number, op: number, fromReg: boolean): boolean {
  const L = cpu.L;
  const H = cpu.H;
  const is64 = (op & 7) === 7;
  const mod = (op & 0xf0) === 0x90;
  const signed = cpu.code.off[i] === 1;
  if (bl !== 0 || (is64 && bh !== 0)) {
    if (is64) divmod64(L, H, d, bl, bh, mod, signed);
    else divmod32(L, H, d, bl, mod, signed);
    return true;
  }
  if (cpu.modern) {
    if (!mod) L[d] = 0;
    if (!mod || !is64) H[d] = 0;
    return true;
  }
  cpu.divideByZero(i, is64, bh, fromReg);
  return false;
}
