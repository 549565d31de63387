/**
 * Loaded programs: the object BPF_PROG_LOAD creates, the syscall's checks before bpf_check and
 * 4.8's license rule (which the injected verifier uses too), the program tag bpftool shows, and the minimal pre-scan PROG_LOAD does itself when no verifier is injected (the CLI's
 * `"verify": false`): the ld_imm64 checks of 4.8's replace_map_fd_with_map_ptr, map fds replaced
 * by map addresses, then src_reg cleared as 4.8's convert_pseudo_ld_imm64 does.
 */
import { BPF_MAXINSNS, Errno as E, LINUX_VERSION_CODE, ProgType, decodeSlots, readRaw, writeRaw, type Insn } from '../isa';
import type { MapBase } from './maps';
import type { BpfMap, LoadedProg } from './types';
import { sha1 } from './sha1';

const LD_IMM64 = 0x18;
const BPF_PSEUDO_MAP_FD = 1;
/** MAX_USED_MAPS: distinct maps a program may use */
export const MAX_USED_MAPS = 64;

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

/** Program types registered in 4.8 (find_prog_type). */
const PROG_TYPES_4_8: ReadonlySet<number> = new Set([ProgType.SocketFilter, ProgType.Kprobe, ProgType.SchedCls, ProgType.SchedAct, ProgType.Tracepoint, ProgType.Xdp]);

/**
 * BPF_PROG_LOAD's checks before bpf_check, in 4.8's order: the failure's errno and why, or null.
 * `copied` false: copying the instructions from user space failed (EFAULT, after the privilege check).
 */
export function progLoadChecks(
  req: { progType: number; kernVersion: number; privileged: boolean },
  insnCnt: number,
  copied = true,
): { errno: number; why: string } | null {
  if (insnCnt >= BPF_MAXINSNS) return { errno: E.EINVAL, why: `insn_cnt ${insnCnt} >= BPF_MAXINSNS (${BPF_MAXINSNS})` };
  if (req.progType === ProgType.Kprobe && req.kernVersion !== LINUX_VERSION_CODE) {
    return { errno: E.EINVAL, why: `kprobe kern_version 0x${(req.kernVersion >>> 0).toString(16)} is not LINUX_VERSION_CODE 0x40800` };
  }
  if (req.progType !== ProgType.SocketFilter && !req.privileged) {
    return { errno: E.EPERM, why: 'only socket filters may be loaded without CAP_SYS_ADMIN' };
  }
  if (!copied) return { errno: E.EFAULT, why: 'the instructions could not be copied' };
  if (!PROG_TYPES_4_8.has(req.progType)) return { errno: E.EINVAL, why: `unknown program type ${req.progType}` };
  if (insnCnt === 0) return { errno: E.E2BIG, why: 'the program has no instructions' };
  return null;
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

/** bpf_prog_calc_tag: SHA-1 over the instructions with the imm of map-loading ld_imm64 zeroed. */
export function progTag(bytes: Uint8Array): string {
  const copy = bytes.slice();
  let wasLdMap = false;
  for (let i = 0; i < copy.length >> 3; i++) {
    const r = readRaw(copy, i);
    if (!wasLdMap && r.code === LD_IMM64 && r.src === BPF_PSEUDO_MAP_FD) {
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

/** How the pre-scan resolves an fd: the map, or 4.8's errno for an fd that is not open / not a map. */
export type MapFdResolver = (fd: number) => BpfMap | 'EBADF' | 'EINVAL';

/**
 * The ld_imm64 part of 4.8's pre-scan, then the rewrite: each BPF_PSEUDO_MAP_FD load gets the
 * map's address (low half in the first imm, high half in the second) and src_reg 0.
 * Returns the rewritten bytes and the distinct maps in order of first use, or a positive errno.
 */
export function resolveMapFds(bytes: Uint8Array, resolve: MapFdResolver): { bytes: Uint8Array; maps: BpfMap[] } | number {
  const out = bytes.slice();
  const maps: BpfMap[] = [];
  const n = out.length >> 3;
  for (let i = 0; i < n; i++) {
    const r = readRaw(out, i);
    if (r.code !== LD_IMM64) continue;
    const next = i + 1 < n ? readRaw(out, i + 1) : null;
    if (!next || next.code !== 0 || next.dst !== 0 || next.src !== 0 || next.off !== 0) return E.EINVAL;
    if (r.src === 0) {
      i++;
      continue;
    }
    if (r.src !== BPF_PSEUDO_MAP_FD) return E.EINVAL;
    const m = resolve(r.imm);
    if (m === 'EBADF') return E.EBADF;
    if (m === 'EINVAL') return E.EINVAL;
    if (!maps.includes(m)) {
      if (maps.length >= MAX_USED_MAPS) return E.E2BIG;
      maps.push(m);
    }
    const addr = BigInt.asUintN(64, m.addr);
    writeRaw(out, i, { ...r, src: 0, imm: Number(BigInt.asIntN(32, addr & 0xffffffffn)) });
    writeRaw(out, i + 1, { ...next, imm: Number(BigInt.asIntN(32, addr >> 32n)) });
    i++;
  }
  return { bytes: out, maps };
}
