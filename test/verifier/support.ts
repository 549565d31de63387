/**
 * Test support for the verifier: small fake maps (the verifier only reads a map's attributes
 * and address), the fixups of test/data/verifier/tests.json, and a request builder.
 */
import { readFileSync } from 'node:fs';
import { hexToSlots, MapType, ProgType, readRaw, writeRaw } from '../../src/isa';
import type { BpfMap, ProgLoadRequest } from '../../src/kernel/types';
import { dataPath } from '../support/data';

/** A map with attributes only: every operation answers ENOSYS-like -38. */
export function fakeMap(mapType: number, keySize: number, valueSize: number, maxEntries: number, addr: bigint, id = 1): BpfMap {
  const no = (): number => -38;
  return {
    id,
    name: `map${id}`,
    mapType,
    keySize,
    valueSize,
    maxEntries,
    mapFlags: 0,
    addr,
    userValueSize: valueSize,
    lookup: no,
    update: no,
    delete: no,
    getNextKey: no,
    entries: () => [],
  };
}

/** The suite's maps: one HASH (key 8, value 8, 1024 entries) and one PROG_ARRAY (key 4, value 4, 4 entries). */
export const HASH_FD = 3;
export const PROG_ARRAY_FD = 4;
const hashMap = fakeMap(MapType.Hash, 8, 8, 1024, 0xffff88003a5c0000n, 1);
const progArray = fakeMap(MapType.ProgArray, 4, 4, 4, 0xffff88003a5c0800n, 2);

/** fds 0-2 are open but not maps (EINVAL, as stdin in the 4.8 harness); other unknown fds are not open. */
export function resolveSuiteFd(fd: number): BpfMap | 'EBADF' | 'EINVAL' {
  if (fd === HASH_FD) return hashMap;
  if (fd === PROG_ARRAY_FD) return progArray;
  return fd >= 0 && fd <= 2 ? 'EINVAL' : 'EBADF';
}

interface SuiteRun {
  ret: number;
  errno: string;
  verdict: string;
  log: string;
}

export interface SuiteTest {
  index: number;
  name: string;
  prog_type: string;
  insns: string[];
  fixup_map: number[];
  fixup_prog: number[];
  v4_8_reproduced: { priv: SuiteRun; unpriv: SuiteRun };
  host_6_18_priv: { errno: string; verdict: string };
}

/** The 102 tests of the 4.8 suite. */
export function loadSuite(): SuiteTest[] {
  return (JSON.parse(readFileSync(dataPath('verifier/tests.json'), 'utf8')) as { tests: SuiteTest[] }).tests;
}

const PROG_TYPES: Record<string, number> = {
  BPF_PROG_TYPE_SOCKET_FILTER: ProgType.SocketFilter,
  BPF_PROG_TYPE_KPROBE: ProgType.Kprobe,
  BPF_PROG_TYPE_SCHED_CLS: ProgType.SchedCls,
  BPF_PROG_TYPE_SCHED_ACT: ProgType.SchedAct,
  BPF_PROG_TYPE_TRACEPOINT: ProgType.Tracepoint,
  BPF_PROG_TYPE_XDP: ProgType.Xdp,
};

/** The test's program with its fixups applied (map fds in the listed ld_imm64s). */
function suiteBytes(t: SuiteTest): Uint8Array {
  const bytes = hexToSlots(t.insns) as Uint8Array;
  const fix = (idx: number, fd: number) => writeRaw(bytes, idx, { ...readRaw(bytes, idx), imm: fd });
  for (const i of t.fixup_map) fix(i, HASH_FD);
  for (const i of t.fixup_prog) fix(i, PROG_ARRAY_FD);
  return bytes;
}

/** A load request as the 4.8 harness made it: license GPL, kern_version 0, log_level 1, log_size 65536. */
export function suiteRequest(t: SuiteTest, privileged: boolean, over: Partial<ProgLoadRequest> = {}): ProgLoadRequest {
  return {
    progType: PROG_TYPES[t.prog_type],
    bytes: suiteBytes(t),
    license: 'GPL',
    logLevel: 1,
    logSize: 65536,
    logBuf: true,
    kernVersion: 0,
    privileged,
    resolveMapFd: resolveSuiteFd,
    ...over,
  };
}

/** A request for raw slots (hex strings), socket filter by default. */
export function request(insns: string[] | Uint8Array, over: Partial<ProgLoadRequest> = {}): ProgLoadRequest {
  return {
    progType: ProgType.SocketFilter,
    bytes: insns instanceof Uint8Array ? insns : (hexToSlots(insns) as Uint8Array),
    license: 'GPL',
    logLevel: 1,
    logSize: 65536,
    logBuf: true,
    kernVersion: 0,
    privileged: true,
    resolveMapFd: resolveSuiteFd,
    ...over,
  };
}
