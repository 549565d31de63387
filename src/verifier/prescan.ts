/**
 * The pre-scan (4.8's replace_map_fd_with_map_ptr): one forward pass over the raw slots, before
 * the CFG check, that refuses reserved LDX/STX encodings and malformed ld_imm64 pairs, resolves
 * map fds, and writes each map's address into its ld_imm64 (low half in the first slot's imm,
 * high half in the second's). Unreachable slots are checked too. Messages only, no insn lines.
 */
import { Class, Errno, Mode, Pseudo, type RawInsn } from '../isa';
import { MAX_USED_MAPS } from '../kernel/prog';
import type { BpfMap } from '../kernel/types';

export interface PrescanError {
  errno: number;
  /** absent for the silent E2BIG of too many maps */
  message?: string;
  pc: number;
}

const LD_IMM_DW = 0x18;

/**
 * Checks and rewrites `insns` in place; fills `maps` (distinct, in order of first use) and
 * `mapOf` (slot -> map index). Returns the first failure, or null.
 */
export function prescan(
  insns: RawInsn[],
  resolveMapFd: (fd: number) => BpfMap | 'EBADF' | 'EINVAL',
  maps: BpfMap[],
  mapOf: Int32Array,
): PrescanError | null {
  const n = insns.length;
  for (let i = 0; i < n; i++) {
    const insn = insns[i];
    const cls = insn.code & 0x07;
    const mode = insn.code & 0xe0;
    if (cls === Class.LDX && (mode !== Mode.MEM || insn.imm !== 0)) {
      return { errno: Errno.EINVAL, message: 'BPF_LDX uses reserved fields', pc: i };
    }
    if (cls === Class.STX && ((mode !== Mode.MEM && mode !== Mode.XADD) || insn.imm !== 0)) {
      return { errno: Errno.EINVAL, message: 'BPF_STX uses reserved fields', pc: i };
    }
    if (insn.code !== LD_IMM_DW) continue;
    const next = insns[i + 1];
    if (i === n - 1 || next.code !== 0 || next.dst !== 0 || next.src !== 0 || next.off !== 0) {
      return { errno: Errno.EINVAL, message: 'invalid bpf_ld_imm64 insn', pc: i };
    }
    if (insn.src !== 0) {
      if (insn.src !== Pseudo.MAP_FD) return { errno: Errno.EINVAL, message: 'unrecognized bpf_ld_imm64 insn', pc: i };
      const map = resolveMapFd(insn.imm);
      if (typeof map === 'string') {
        return { errno: Errno[map], message: `fd ${insn.imm} is not pointing to valid bpf_map`, pc: i };
      }
      insn.imm = Number(map.addr & 0xffffffffn) | 0;
      next.imm = Number((map.addr >> 32n) & 0xffffffffn) | 0;
      let idx = maps.indexOf(map);
      if (idx < 0) {
        if (maps.length >= MAX_USED_MAPS) return { errno: Errno.E2BIG, pc: i };
        idx = maps.push(map) - 1;
      }
      mapOf[i] = idx;
    }
    i++; // the second half is not an instruction of its own
  }
  return null;
}
