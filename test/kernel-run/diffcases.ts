/**
 * Requests for the helper differential test: programs that call each helper the host runs in a
 * socket filter or tc program, with normal and failing arguments, and store every result (r0,
 * buffer bytes, ctx fields) in an `out` array map, so that comparing retval, data_out and the
 * maps compares the helpers. The cases avoid what test-run.md lists as 4.8-vs-6.18 differences.
 */
import { alu64i, alu64r, call, exit, ja, jmpi, jmpr, ld64, ldx, mov, movr, Prog, st, stx, type Size } from './bpf';
import { ipv4Udp, ipv6Udp } from './packets';
import { hex } from '../support/kernel';

/** One argument: a number (mov or ld_imm64), a stack address fp+off, the ctx (r6), or a map. */
type Arg = number | bigint | { fp: number } | 'ctx' | { map: string };

interface DiffCase {
  name: string;
  request: Record<string, unknown>;
  /** maps whose values are not comparable (fds, prog ids) */
  skipMaps?: string[];
  /** hash maps: compared as sets (the host seeds its hash) */
  setMaps?: string[];
}

const RESULTS = 16;
const OUT_VALUE = RESULTS * 8;
const OUT = { name: 'out', type: 'array', key_size: 4, value_size: OUT_VALUE, max_entries: 1 };

function setArg(p: Prog, reg: number, a: Arg): void {
  if (a === 'ctx') p.emit(movr(reg, 6));
  else if (typeof a === 'object' && 'fp' in a) p.emit(movr(reg, 10), alu64i('add', reg, a.fp));
  else if (typeof a === 'object') p.map(reg, a.map);
  else if (typeof a === 'bigint' || a > 0x7fffffff || a < -0x80000000) p.emit(ld64(reg, BigInt(a)));
  else p.emit(mov(reg, a));
}

/** A step that calls helper `id` with `args` (r0 is the step's result). */
const helper =
  (id: number, ...args: Arg[]) =>
  (p: Prog): void => {
    args.forEach((a, i) => setArg(p, i + 1, a));
    p.emit(call(id));
  };
/** A step whose result is `size` bytes of the stack at fp+off. */
const stackAt = (off: number, size: Size) => (p: Prog) => void p.emit(ldx(size, 0, 10, off));
/** A step whose result is a __sk_buff field. */
const ctxField = (off: number) => (p: Prog) => void p.emit(ldx(4, 0, 6, off));
/** Fills stack bytes (u32 words) before a call that reads them. */
const fill = (off: number, words: number[]) => (p: Prog) => void words.forEach((w, i) => p.emit(st(4, 10, off + 4 * i, w)));
type Step = (p: Prog) => void;
/** A step's r0 is kept as a result; a `prep` step only prepares; a `post` step rewrites the last result. */
type Item = Step | { prep: Step } | { post: Step };

/** Turns the previous result into 0/1 (non-zero). */
const nonZero: Item = { post: (p) => void p.emit(jmpi('jeq', 0, 0, 1), mov(0, 1)) };
/** The 16-bit end-around fold of the previous result (csum_from32to16). */
const fold: Item = {
  post: (p) => {
    for (let i = 0; i < 2; i++) p.emit(movr(1, 0), alu64i('rsh', 1, 16), alu64i('and', 0, 0xffff), alu64r('add', 0, 1));
  },
};

/** A program that runs the steps and stores each result in out[0] (u64 slots), then returns `verdict`. */
function resultsProgram(items: Item[], verdict = 0): Prog {
  const p = new Prog().emit(movr(6, 1));
  for (let i = 0; i < RESULTS; i++) p.emit(st(8, 10, -8 * (i + 1), 0));
  let slot = 0;
  for (const it of items) {
    if (typeof it === 'object' && 'prep' in it) {
      it.prep(p);
      continue;
    }
    if (typeof it === 'object') {
      it.post(p);
      p.emit(stx(8, 10, 0, -8 * slot));
      continue;
    }
    it(p);
    if (slot >= RESULTS) throw new Error('too many results');
    p.emit(stx(8, 10, 0, -8 * ++slot));
  }
  p.emit(st(4, 10, -132, 0), movr(2, 10), alu64i('add', 2, -132)).map(1, 'out').emit(call(1), jmpi('jeq', 0, 0, 2 * RESULTS));
  for (let i = 0; i < RESULTS; i++) p.emit(ldx(8, 1, 10, -8 * (i + 1)), stx(8, 0, 1, 8 * i));
  return p.emit(mov(0, verdict), exit());
}

const prep = (s: Step): Item => ({ prep: s });
const PKT = ipv4Udp(8);
const LEN = PKT.length;

function req(progType: string, p: Prog, data: Uint8Array, maps: object[] = [], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { prog_type: progType, insns: p.insns, map_fixups: p.fixups, maps: [OUT, ...maps], run: { data: hex(data) }, ...extra };
}

/** map helpers in a socket filter: every flag and errno of update, delete and lookup */
function mapCase(): DiffCase {
  const key = (k: number) => prep(fill(-140, [k]));
  const upd = (m: string, k: number, flags: number): Item[] => [key(k), prep(fill(-152, [0x11 * k, k])), helper(2, { map: m }, { fp: -140 }, { fp: -152 }, flags)];
  const del = (m: string, k: number): Item[] => [key(k), helper(3, { map: m }, { fp: -140 })];
  const look = (m: string, k: number): Item[] => [key(k), helper(1, { map: m }, { fp: -140 }), nonZero];
  const items = [
    ...upd('h', 1, 0), ...upd('h', 1, 1), ...upd('h', 2, 2), ...upd('h', 2, 0), ...upd('h', 3, 0), ...upd('h', 1, 3),
    ...upd('a', 5, 0), ...upd('a', 0, 1), ...upd('a', 1, 2), ...del('a', 0), ...del('h', 9), ...del('h', 2),
    ...look('a', 7), ...look('h', 1), ...look('h', 2),
  ];
  const maps = [
    { name: 'h', type: 'hash', key_size: 4, value_size: 8, max_entries: 2 },
    { name: 'a', type: 'array', key_size: 4, value_size: 8, max_entries: 2 },
  ];
  return { name: 'map_lookup/update/delete_elem (socket filter)', request: req('socket_filter', resultsProgram(items), PKT, maps), setMaps: ['h'] };
}

function skbBytesCases(): DiffCase[] {
  const load = [
    helper(26, 'ctx', 12, { fp: -160 }, 2), stackAt(-160, 2),
    helper(26, 'ctx', LEN - 1, { fp: -168 }, 2), stackAt(-168, 2),
    helper(26, 'ctx', 0x10000, { fp: -176 }, 1),
    helper(26, 'ctx', 0, { fp: -200 }, 20), stackAt(-200, 8),
  ];
  const store = [
    prep(fill(-160, [0x04030201])),
    helper(9, 'ctx', 14, { fp: -160 }, 4, 0),
    helper(9, 'ctx', 14, { fp: -160 }, 4, 4),
    helper(9, 'ctx', LEN - 2, { fp: -160 }, 4, 0),
    helper(9, 'ctx', 0x10000, { fp: -160 }, 1, 0),
    helper(34, 'ctx'), nonZero,
    helper(9, 'ctx', 20, { fp: -160 }, 2, 2), ctxField(68),
    helper(9, 'ctx', 30, { fp: -160 }, 4, 1), ctxField(16),
  ];
  return [
    { name: 'skb_load_bytes', request: req('sched_cls', resultsProgram(load), PKT) },
    { name: 'skb_store_bytes', request: req('sched_act', resultsProgram(store, 2), PKT) },
  ];
}

/** TTL - 1 with the checksum fixed by l3_csum_replace (field size 2, 4 or the csum_diff form) */
function csumCases(): DiffCase[] {
  const ttlDown: Item[] = [
    helper(26, 'ctx', 20, { fp: -160 }, 4),
    prep((p) => p.emit(ldx(2, 7, 10, -158), ldx(4, 8, 10, -160), ldx(1, 9, 10, -158), alu64i('add', 9, -1), stx(1, 10, 9, -158))),
    helper(9, 'ctx', 20, { fp: -160 }, 4, 0),
    prep((p) => p.emit(ldx(2, 9, 10, -158))),
  ];
  const l3 = (form: 2 | 4 | 0): Item[] => {
    if (form === 2) return [...ttlDown, (p) => void p.emit(movr(1, 6), mov(2, 24), movr(3, 7), movr(4, 9), mov(5, 2), call(10))];
    if (form === 4) return [...ttlDown, prep((p) => p.emit(ldx(4, 9, 10, -160))), (p) => void p.emit(movr(1, 6), mov(2, 24), movr(3, 8), movr(4, 9), mov(5, 4), call(10))];
    // the csum_diff idiom: old and new 4 bytes diffed, the diff applied with size 0
    return [
      ttlDown[0],
      prep((p) => p.emit(ldx(4, 8, 10, -160), stx(4, 10, 8, -180), ldx(1, 9, 10, -158), alu64i('add', 9, -1), stx(1, 10, 9, -158))),
      helper(9, 'ctx', 20, { fp: -160 }, 4, 0),
      helper(28, { fp: -180 }, 4, { fp: -160 }, 4, 0), fold,
      prep((p) => p.emit(movr(7, 0))),
      (p) => void p.emit(movr(1, 6), mov(2, 24), mov(3, 0), movr(4, 7), mov(5, 0), call(10)),
    ];
  };
  const errors: Item[] = [
    helper(10, 'ctx', 24, 0, 0, 0x12),
    helper(10, 'ctx', 0x10000, 0, 0, 2),
    helper(10, 'ctx', LEN - 1, 0, 0, 2),
    helper(10, 'ctx', 24, 0, 0, 3),
    helper(10, 'ctx', 24, 1, 0, 0),
    helper(11, 'ctx', 40, 0x1234, 0x4321, 0x22), ctxField(0),
    helper(11, 'ctx', 40, 0x1234, 0x4321, 0x02),
    helper(11, 'ctx', 40, 0x0a000001, 0x0a000009, 0x14),
    helper(11, 'ctx', 40, 0, 0, 0x25),
    helper(11, 'ctx', 40, 0, 0, 0x07),
  ];
  return [
    { name: 'l3_csum_replace, 2-byte field', request: req('sched_cls', resultsProgram(l3(2)), PKT) },
    { name: 'l3_csum_replace, 4-byte field', request: req('sched_cls', resultsProgram(l3(4)), PKT) },
    { name: 'l3_csum_replace by csum_diff', request: req('sched_cls', resultsProgram(l3(0)), PKT) },
    { name: 'l3/l4_csum_replace errors and MARK_MANGLED_0', request: req('sched_cls', resultsProgram(errors), PKT) },
  ];
}

function csumDiffCase(): DiffCase {
  const items: Item[] = [
    prep(fill(-176, [0x11223344, 0x55667788, 0x01020304, 0xa0b0c0d0])),
    helper(28, { fp: -176 }, 8, { fp: -168 }, 8, 0), fold,
    helper(28, 0, 0, { fp: -168 }, 8, 0x1234), fold,
    helper(28, { fp: -176 }, 8, { fp: -176 }, 8, 0), fold,
    helper(28, { fp: -176 }, 16, 0, 0, 0xffff), fold,
  ];
  return { name: 'csum_diff (folded)', request: req('sched_cls', resultsProgram(items), PKT) };
}

function vlanCases(): DiffCase[] {
  const fields = [ctxField(20), ctxField(24), ctxField(28), ctxField(16), ctxField(0)];
  const push2 = [helper(18, 'ctx', 0x0081, 5), ...fields, helper(18, 'ctx', 0xa888, 9), ...fields, helper(18, 'ctx', 0x3412, 7), ctxField(28)];
  const popTagged = [helper(19, 'ctx'), ctxField(20), ctxField(16), ctxField(0)];
  const pushPop = [helper(18, 'ctx', 0x0081, 0x123), helper(19, 'ctx'), ctxField(20), ctxField(24), ctxField(0)];
  return [
    { name: 'skb_vlan_push twice', request: req('sched_cls', resultsProgram(push2), PKT) },
    { name: 'skb_vlan_pop of a tagged frame', request: req('sched_cls', resultsProgram(popTagged), ipv4Udp(8, { vlan: [100] })) },
    { name: 'skb_vlan_pop of QinQ', request: req('sched_cls', resultsProgram([...popTagged, ctxField(24), ctxField(28)]), ipv4Udp(8, { vlan: [100, 200] })) },
    { name: 'skb_vlan_push then pop', request: req('sched_cls', resultsProgram(pushPop), PKT) },
  ];
}

function protoCases(): DiffCase[] {
  const after = [ctxField(16), ctxField(0), ctxField(68)];
  return [
    { name: 'skb_change_proto 4 to 6', request: req('sched_cls', resultsProgram([helper(34, 'ctx'), nonZero, helper(31, 'ctx', 0xdd86, 0), ...after]), PKT) },
    { name: 'skb_change_proto 6 to 4', request: req('sched_cls', resultsProgram([helper(31, 'ctx', 0x0008, 0), ...after]), ipv6Udp(8)) },
    {
      name: 'skb_change_proto refusals',
      request: req('sched_cls', resultsProgram([helper(31, 'ctx', 0xdd86, 1), helper(31, 'ctx', 0x0008, 0), helper(31, 'ctx', 0x0081, 0), ctxField(0)]), PKT),
    },
    { name: 'skb_change_proto of a VLAN frame', request: req('sched_cls', resultsProgram([helper(31, 'ctx', 0xdd86, 0), ctxField(0)]), ipv4Udp(8, { vlan: [7] })) },
    {
      name: 'skb_change_type and get_hash_recalc',
      request: req('sched_cls', resultsProgram([
        ctxField(4), helper(32, 'ctx', 1), ctxField(4), helper(32, 'ctx', 4), ctxField(4), helper(32, 'ctx', 0), ctxField(4),
        helper(34, 'ctx'), nonZero,
        (p) => void p.emit(movr(1, 6), call(34), ldx(4, 1, 6, 68), jmpr('jeq', 0, 1, 2), mov(0, 0), ja(1), mov(0, 1)),
      ]), PKT),
    },
  ];
}

function tailCallCases(): DiffCase[] {
  const progs = [{ name: 'target', insns: [mov(0, 42), exit()] }];
  const jmp = { name: 'jmp', type: 'prog_array', key_size: 4, value_size: 4, max_entries: 2, entries: [{ key: '00000000', value_prog: 'target' }] };
  const tail = (index: number) => {
    const p = new Prog().emit(movr(6, 1), movr(1, 6)).map(2, 'jmp').emit(mov(3, index), call(12), mov(0, 1), exit());
    return { prog_type: 'sched_cls', insns: p.insns, map_fixups: p.fixups, maps: [jmp], progs, run: { data: hex(PKT) } };
  };
  return [
    { name: 'tail_call into a loaded program', request: tail(0), skipMaps: ['jmp'] },
    { name: 'tail_call to an empty slot falls through', request: tail(1), skipMaps: ['jmp'] },
    { name: 'tail_call past max_entries falls through', request: tail(5), skipMaps: ['jmp'] },
  ];
}

function miscCase(): DiffCase {
  const items: Item[] = [
    helper(23, 2, 0), helper(23, 2, 1), helper(23, 2, 2),
    helper(13, 'ctx', 1, 2), helper(13, 'ctx', 0, 0),
    helper(20, 'ctx', { fp: -200 }, 28, 0), stackAt(-200, 8),
    helper(29, 'ctx', { fp: -232 }, 8),
    prep(fill(-240, [1])), helper(30, 'ctx', { fp: -240 }, 4),
    helper(24, 'ctx'),
    helper(33, 'ctx', { map: 'cg' }, 5), helper(33, 'ctx', { map: 'cg' }, 0),
    prep(fill(-248, [7, 8])),
    helper(25, 'ctx', { map: 'pe' }, 1n << 52n, { fp: -248 }, 8),
    helper(25, 'ctx', { map: 'pe' }, 1000n << 32n, { fp: -248 }, 8),
    helper(25, 'ctx', { map: 'pe' }, 5, { fp: -248 }, 8),
    helper(25, 'ctx', { map: 'pe' }, 0, { fp: -248 }, 8),
  ];
  const maps = [
    { name: 'cg', type: 'cgroup_array', key_size: 4, value_size: 4, max_entries: 2 },
    { name: 'pe', type: 'perf_event_array', key_size: 4, value_size: 4, max_entries: 2 },
  ];
  return { name: 'redirect, clone_redirect, tunnels, realm, skb_in_cgroup, perf_event_output errors', request: req('sched_cls', resultsProgram(items), PKT, maps), skipMaps: ['cg', 'pe'] };
}

/** get_smp_processor_id's result, checked on each side against its own CPU count. */
export function smpCase(): DiffCase {
  return { name: 'get_smp_processor_id', request: req('socket_filter', resultsProgram([helper(8)]), PKT) };
}

export function helperCases(): DiffCase[] {
  return [mapCase(), ...skbBytesCases(), ...csumCases(), csumDiffCase(), ...vlanCases(), ...protoCases(), ...tailCallCases(), miscCase()];
}
