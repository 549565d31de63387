/**
 * XADD (4.8) and the later atomic operations (RFC 9669): add, or, and, xor, each with or
 * without fetch, xchg and cmpxchg, on 4 or 8 bytes. Fetch forms put the old value in src
 * (cmpxchg in r0), zero-extended for 32-bit forms. cmpxchg stores only when r0 matches.
 */
import { add64 } from './alu';
import type { Cpu } from './cpu';

const FETCH = 0x01;
const XCHG = 0xe1;
const CMPXCHG = 0xf1;

/** Runs one atomic operation; false when the run stopped (a bad access). */
export function atomic(cpu: Cpu, d: number, s: number, off: number, imm: number, size: 4 | 8): boolean {
  const L = cpu.L;
  const H = cpu.H;
  const ol = cpu.load(L[d], H[d], off, size);
  if (cpu.stop !== null) return false;
  const oh = size === 8 ? cpu.vHi : 0;
  const sl = L[s];
  const sh = size === 8 ? H[s] : 0;
  let nl = sl;
  let nh = sh;
  let write = true;
  switch (imm & ~FETCH) {
    case 0x00:
      // add: reuse the 64-bit adder on a scratch register slot (r15 is never a real register)
      L[15] = ol;
      H[15] = oh;
      add64(L, H, 15, sl, sh);
      nl = L[15];
      nh = size === 8 ? H[15] : 0;
      break;
    case 0x40:
      nl = ol | sl;
      nh = oh | sh;
      break;
    case 0x50:
      nl = ol & sl;
      nh = oh & sh;
      break;
    case 0xa0:
      nl = ol ^ sl;
      nh = oh ^ sh;
      break;
    case XCHG & ~FETCH:
      break;
    default:
      // cmpxchg: compares r0 with the old value
      write = L[0] === ol && (size === 4 || H[0] === oh);
      break;
  }
  if (write) {
    cpu.store(L[d], H[d], off, size, nl, nh);
    if (cpu.stop !== null) return false;
  }
  if (imm === CMPXCHG) {
    L[0] = ol;
    H[0] = oh;
  } else if ((imm & FETCH) !== 0 || imm === XCHG) {
    L[s] = ol;
    H[s] = oh;
  }
  return true;
}
