/**
 * Loaded programs: the object BPF_PROG_LOAD creates, the program tag bpftool shows, and what
 * PROG_LOAD and the injected verifier share: the syscall's checks before bpf_check, 4.8's
 * license rule and the pre-scan (replace_map_fd_with_map_ptr), which PROG_LOAD runs itself,
 * without its reserved-field checks, when no verifier is injected (the CLI's `"verify": false`).
 */
import { BPF_MAXINSNS, Class, Errno as E, LINUX_VERSION_CODE, Mode, Pseudo, Size, decodeSlots, readRaw, writeRaw, type Insn, type RawInsn } from '../isa';
import type { FileObject, MapBase } from './maps';
import type { BpfMap, LoadedProg, MapFdResolver } from './types';
import { progTypeOps } from './progtypes';
import { sha1 } from './sha1';

const LD_IMM64 = Class.LD | Mode.IMM | Size.DW;
/** MAX_USED_MAPS: distinct maps a program may use */
const MAX_USED_MAPS = 64;

/** Licenses 4.8's license_is_gpl_compatible accepts. */
export const GPL_COMPATIBLE_LICENSES: readonly string[] = [
  'GPL',
  'GPL v2',
  'GPL and additional rights',
  'Dual BSD/GPL',
  'Dual MIT/GPL',
  'Dual MPL/GPL',
];

/** The license as the kernel copies it: up to a NUL, at most 127 characters. */
export const copyLicense = (license: string): string => license.split('\0')[0].slice(0, 127);

/** Whether the license, as the kernel copies it, is GPL-compatible. */
export const gplCompatible = (license: string): boolean => GPL_COMPATIBLE_LICENSES.includes(copyLicense(license));

/** Which of BPF_PROG_LOAD's checks before bpf_check refused (the verifier's message table names them). */
export type LoadCheckId = 'insn_cnt_too_large' | 'kprobe_kern_version' | 'not_privileged' | 'insns_not_copied' | 'unknown_prog_type' | 'empty_program';

/** A refusal of those checks: the errno, which check, and the number it was about (if any). */
interface LoadCheckFailure {
  errno: number;
  id: LoadCheckId;
  args: number[];
}

/**
 * BPF_PROG_LOAD's checks before bpf_check, in 4.8's order: the failure, or null. None writes a
 * log. `copied` false: copying the instructions from user space failed (EFAULT, after the
 * privilege check).
 */
export function progLoadChecks(
  req: { progType: number; kernVersion: number; privileged: boolean },
  insnCnt: number,
  copied = true,
): LoadCheckFailure | null {
  // find_prog_type comes after these checks in 4.8, so an unknown type meets them first
  const ops = progTypeOps(req.progType);
  if (insnCnt >= BPF_MAXINSNS) return { errno: E.EINVAL, id: 'insn_cnt_too_large', args: [insnCnt] };
  if (ops?.checksKernVersion && req.kernVersion !== LINUX_VERSION_CODE) {
    return { errno: E.EINVAL, id: 'kprobe_kern_version', args: [req.kernVersion >>> 0] };
  }
  if (!ops?.info.unprivilegedHelpers && !req.privileged) return { errno: E.EPERM, id: 'not_privileged', args: [req.progType] };
  if (!copied) return { errno: E.EFAULT, id: 'insns_not_copied', args: [] };
  if (!ops) return { errno: E.EINVAL, id: 'unknown_prog_type', args: [req.progType] };
  if (insnCnt === 0) return { errno: E.E2BIG, id: 'empty_program', args: [] };
  return null;
}

/** What BPF_PROG_LOAD (or a restored pin) creates a program from. */
export interface ProgSpec {
  progType: number;
  name: string;
  bytes: Uint8Array;
  maps: MapBase[];
  license: string;
  privileged: boolean;
  kernVersion: number;
  /** bpftool's tag, computed from the instructions as user space passed them */
  tag?: string;
}

/** A program the kernel holds. */
export class Prog implements LoadedProg {
  readonly slots: readonly Insn[];
  /** bpftool's tag: the first 8 bytes of the SHA-1 of the instructions with map fds zeroed */
  readonly tag: string;
  refcnt = 0;

  constructor(
    readonly id: number,
    readonly progType: number,
    public name: string,
    readonly bytes: Uint8Array,
    readonly maps: readonly MapBase[],
    readonly license: string,
    readonly privileged: boolean,
    /** kern_version from the attr (kprobes) */
    readonly kernVersion: number,
    /** the virtual clock when it was loaded */
    readonly loadTimeNs: bigint,
    /** the loader's uid */
    readonly uid: number,
    /** the tag of the instructions as loaded (before map fds were replaced) */
    tag?: string,
  ) {
    this.slots = decodeSlots(bytes);
    this.tag = tag ?? progTag(bytes);
  }

  get gplCompatible(): boolean {
    return gplCompatible(this.license);
  }

  /** insn_cnt */
  get len(): number {
    return this.bytes.length >> 3;
  }
}

/** The file an fd or a pin holds for a map or a program. */
export const fileOf = (obj: MapBase | Prog): ObjectFile => (obj instanceof Prog ? { kind: 'prog', obj } : { kind: 'map', obj });

/** The files of bpf objects, the ones an fd can pin. */
export type ObjectFile = Extract<FileObject<Prog>, { kind: 'map' | 'prog' }>;

/** bpf_prog_calc_tag: SHA-1 over the instructions with the imm of map-loading ld_imm64 zeroed. */
export function progTag(bytes: Uint8Array): string {
  const copy = bytes.slice();
  let wasLdMap = false;
  for (let i = 0; i < copy.length >> 3; i++) {
    const r = readRaw(copy, i);
    if (!wasLdMap && r.code === LD_IMM64 && r.src === Pseudo.MAP_FD) {
      wasLdMap = true;
      writeRaw(copy, i, { ...r, imm: 0 });
    } else if (wasLdMap && r.code === 0 && r.dst === 0 && r.src === 0 && r.off === 0) {
      wasLdMap = false;
      writeRaw(copy, i, { ...r, imm: 0 });
    } else {
      wasLdMap = false;
    }
  }
  return Array.from(sha1(copy).subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Which check of the pre-scan refused (the verifier's message table has the text 4.8 prints). */
export type PrescanFailureId = 'ldx_reserved' | 'stx_reserved' | 'ld_imm64_invalid' | 'ld_imm64_unrecognized' | 'map_fd_invalid' | 'too_many_maps';

interface PrescanError {
  errno: number;
  id: PrescanFailureId;
  /** map_fd_invalid: the fd; too_many_maps: the limit */
  args: number[];
  pc: number;
}

/**
 * The pre-scan (4.8's replace_map_fd_with_map_ptr): one forward pass over the raw slots, before
 * the CFG check, that refuses reserved LDX/STX encodings and malformed ld_imm64 pairs, resolves
 * map fds, and writes each map's address into its ld_imm64 (low half in the first slot's imm,
 * high half in the second's). Unreachable slots are checked too. Checks and rewrites `insns` in
 * place; fills `maps` (distinct, in order of first use) and `mapOf` (slot -> map index).
 * Returns the first failure (the verifier prints its message), or null. Without
 * `checkReserved` (PROG_LOAD without a verifier) only the ld_imm64 part runs.
 */
export function prescan(
  insns: RawInsn[],
  resolveMapFd: MapFdResolver,
  maps: BpfMap[],
  mapOf: Int32Array,
  checkReserved = true,
): PrescanError | null {
  const n = insns.length;
  for (let i = 0; i < n; i++) {
    const insn = insns[i];
    const cls = insn.code & 0x07;
    const mode = insn.code & 0xe0;
    if (checkReserved && cls === Class.LDX && (mode !== Mode.MEM || insn.imm !== 0)) {
      return { errno: E.EINVAL, id: 'ldx_reserved', args: [], pc: i };
    }
    if (checkReserved && cls === Class.STX && ((mode !== Mode.MEM && mode !== Mode.XADD) || insn.imm !== 0)) {
      return { errno: E.EINVAL, id: 'stx_reserved', args: [], pc: i };
    }
    if (insn.code !== LD_IMM64) continue;
    const next = insns[i + 1];
    if (i === n - 1 || next.code !== 0 || next.dst !== 0 || next.src !== 0 || next.off !== 0) {
      return { errno: E.EINVAL, id: 'ld_imm64_invalid', args: [], pc: i };
    }
    if (insn.src !== 0) {
      if (insn.src !== Pseudo.MAP_FD) return { errno: E.EINVAL, id: 'ld_imm64_unrecognized', args: [], pc: i };
      const map = resolveMapFd(insn.imm);
      if (typeof map === 'string') {
        return { errno: E[map], id: 'map_fd_invalid', args: [insn.imm], pc: i };
      }
      insn.imm = Number(map.addr & 0xffffffffn) | 0;
      next.imm = Number((map.addr >> 32n) & 0xffffffffn) | 0;
      let idx = maps.indexOf(map);
      if (idx < 0) {
        if (maps.length >= MAX_USED_MAPS) return { errno: E.E2BIG, id: 'too_many_maps', args: [MAX_USED_MAPS], pc: i };
        idx = maps.push(map) - 1;
      }
      mapOf[i] = idx;
    }
    i++; // the second half is not an instruction of its own
  }
  return null;
}

/**
 * 4.8's convert_pseudo_ld_imm64, the last step of a successful load: the map loads' src_reg
 * cleared, so that the kept instructions are plain ld_imm64 of the map addresses. The pre-scan's
 * bytes are already converted; the kernel applies this to whatever an injected verifier returns.
 */
export function convertPseudoLdImm64(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  for (let i = 0; i < out.length >> 3; i++) {
    const r = readRaw(out, i);
    if (r.code !== LD_IMM64) continue;
    if (r.src === Pseudo.MAP_FD) writeRaw(out, i, { ...r, src: 0 });
    i++;
  }
  return out;
}

/**
 * `orig` with the map loads the pre-scan rewrote (slots whose `mapOf` is set) written in, their
 * src_reg already cleared as bpf_check's last step (convert_pseudo_ld_imm64) leaves them.
 */
export function prescannedBytes(orig: Uint8Array, insns: readonly RawInsn[], mapOf: Int32Array): Uint8Array {
  const out = orig.slice(0, insns.length * 8);
  for (let i = 0; i < insns.length; i++) {
    if (mapOf[i] < 0) continue;
    writeRaw(out, i, { ...insns[i], src: 0 });
    writeRaw(out, i + 1, insns[i + 1]);
  }
  return out;
}
