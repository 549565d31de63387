/**
 * Explanations that name things, on real refusals of the 4.8 verifier through the engine's API
 * and the program types' data (Hello.progTypes): the context field at the offset for each program
 * type's context, the types that allow what this one refuses and the 4.8 alternatives, the
 * register that holds data_end on the refused path, and the lesson that teaches the rule (each
 * lesson named exists in the gallery under that title).
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { Session } from '../../src/session';
import type { ProgTypeInfo } from '../../src/protocol';
import { explainRefusal, type Explanation } from '../../app/panels/verifier/explain';
import { LESSONS, refusalWhere } from '../../app/panels/verifier/naming';
import { lessonById } from '../../src/lessons';

const s = new Session();
let types: ProgTypeInfo[] = [];

beforeAll(async () => {
  types = (await s.hello()).progTypes;
});

/** Loads `body` as a program of type `type` (privileged), which the verifier must refuse. */
async function explained(type: string, body: string): Promise<{ id: string; e: Explanation }> {
  const head = `.type ${type}\n${type === 'kprobe' ? '.kern_version 0x040800\n' : ''}`;
  const r = await s.load({ text: head + body, syntax: 'auto', progType: 1, logLevel: 1, logSize: 65536, privileged: true });
  if (!r.ok) throw new Error(r.error.message);
  const load = r.value;
  if (load.stage !== 'load' || load.ok || !load.refusal) throw new Error(`not refused by the verifier: ${load.stage === 'load' ? load.log : 'assemble'}`);
  return { id: load.refusal.id, e: explainRefusal(load.refusal, refusalWhere(load, types)) };
}

const text = (e: Explanation): string => `${e.title}\n${e.meaning}\n${e.fix}`;

describe('the context field at the offset, for each program type', () => {
  test('socket filter reads skb->data: named, with 4.8 alternatives and the types that have direct access', async () => {
    const { id, e } = await explained('socket_filter', 'r2 = *(u32 *)(r1 +76)\nr0 = 0\nexit\n');
    expect(id).toBe('ctx_access');
    expect(e.meaning).toContain('Offset 76 is __sk_buff->data, the start of the packet for direct access');
    // 4.8's sk_filter_func_proto has no bpf_skb_load_bytes: only the legacy loads are offered
    expect(e.meaning).toContain('4.8 socket filters read the packet with LD_ABS/LD_IND (`r0 = *(u8 *)skb[N]`');
    expect(e.meaning).not.toContain('skb_load_bytes');
    expect(e.fix).toContain('sched_cls, sched_act or xdp');
    expect(e.lesson).toEqual(LESSONS.ldAbs);
  });
  test('socket filter writes skb->mark: read-only, its writable fields, the types that may write it', async () => {
    const { e } = await explained('socket_filter', 'r2 = 1\n*(u32 *)(r1 +8) = r2\nr0 = 0\nexit\n');
    expect(e.title).toBe('__sk_buff->mark is read-only in a socket filter');
    expect(e.meaning).toContain('The fields it may write: cb[0], cb[1], cb[2], cb[3], cb[4]');
    expect(e.fix).toContain('Only sched_cls or sched_act programs may write mark');
    expect(e.lesson).toEqual(LESSONS.ctxReadonly);
  });
  test('socket filter reads tc_classid: not readable, and who may', async () => {
    const { e } = await explained('socket_filter', 'r2 = *(u32 *)(r1 +72)\nr0 = 0\nexit\n');
    expect(e.title).toBe('__sk_buff->tc_classid is not readable in a socket filter');
    expect(e.fix).toContain('Only sched_cls or sched_act programs may read it');
  });
  test('sched_cls writes skb->len: read-only for every type', async () => {
    const { e } = await explained('sched_cls', 'r2 = 1\n*(u32 *)(r1 +0) = r2\nr0 = 0\nexit\n');
    expect(e.title).toBe('__sk_buff->len is read-only in a tc classifier');
    expect(e.meaning).toMatch(/The fields it may write: mark, priority, tc_index, cb\[0\].*tc_classid/);
    expect(e.fix).toMatch(/^Keep the value/);
  });
  test('sched_act reads skb->mark with 8 bytes: the field, and the size it needs', async () => {
    const { e } = await explained('sched_act', 'r2 = *(u64 *)(r1 +8)\nr0 = 0\nexit\n');
    expect(e.title).toBe('__sk_buff->mark: wrong size or alignment');
    expect(e.meaning).toContain('Offset 8 is __sk_buff->mark');
    expect(e.fix).toContain('`*(u32 *)(rX +8)`');
  });
  test('xdp reads past xdp_md, and writes xdp_md->data', async () => {
    const past = await explained('xdp', 'r2 = *(u32 *)(r1 +8)\nr0 = 0\nexit\n');
    expect(past.e.title).toBe('Outside struct xdp_md');
    expect(past.e.fix).toContain('data at 0, data_end at 4');
    const write = await explained('xdp', 'r2 = 1\n*(u32 *)(r1 +0) = r2\nr0 = 0\nexit\n');
    expect(write.e.title).toBe('xdp_md->data is read-only in an XDP program');
    expect(write.e.meaning).toContain('may write no field of its context');
  });
  test('kprobe writes pt_regs, and reads past it', async () => {
    const write = await explained('kprobe', 'r2 = 1\n*(u64 *)(r1 +16) = r2\nr0 = 0\nexit\n');
    expect(write.e.title).toBe('pt_regs->r13 is read-only in a kprobe');
    expect(write.e.meaning).toContain('A kprobe may write no field of its context');
    const past = await explained('kprobe', 'r2 = *(u64 *)(r1 +168)\nr0 = 0\nexit\n');
    expect(past.e.title).toBe('Outside struct pt_regs');
    expect(past.e.meaning).toContain("A kprobe's context is struct pt_regs (168 bytes): a load of 8 bytes at offset 168 is outside it");
  });
  test('tracepoint: a write, the first 8 bytes, past the largest record', async () => {
    const write = await explained('tracepoint', 'r2 = 1\n*(u64 *)(r1 +8) = r2\nr0 = 0\nexit\n');
    expect(write.e.title).toBe('Tracepoint record: write not allowed');
    expect(write.e.meaning).toContain('a tracepoint record is read-only');
    const head = await explained('tracepoint', 'r2 = *(u32 *)(r1 +4)\nr0 = 0\nexit\n');
    expect(head.e.meaning).toContain("the first 8 bytes of the context are where 4.8 keeps a pointer to the probe's registers");
    const past = await explained('tracepoint', 'r2 = *(u64 *)(r1 +2048)\nr0 = 0\nexit\n');
    expect(past.e.meaning).toContain('past the 2048 bytes (PERF_MAX_TRACE_SIZE)');
  });
  test('every program type describes its context as data the explanations can name', () => {
    expect(types.map((t) => [t.name, t.ctx.kind === 'struct' ? t.ctx.layout.name : 'record'])).toEqual([
      ['socket_filter', '__sk_buff'],
      ['kprobe', 'pt_regs'],
      ['sched_cls', '__sk_buff'],
      ['sched_act', '__sk_buff'],
      ['tracepoint', 'record'],
      ['xdp', 'xdp_md'],
    ]);
  });
});

describe('packet accesses name the register that holds data_end', () => {
  test('data_end already in a register: the check compares with it', async () => {
    const { id, e } = await explained('sched_cls', 'r2 = *(u32 *)(r1 +76)\nr3 = *(u32 *)(r1 +80)\nr0 = *(u8 *)(r2 +0)\nexit\n');
    expect(id).toBe('packet_access');
    expect(e.meaning).toContain('(in r3 here)');
    expect(e.fix).toContain('`r4 = r2; r4 += 1; if r4 > r3 goto out`');
    expect(text(e)).not.toContain('r_data_end');
    expect(e.lesson).toEqual(LESSONS.packetRange);
  });
  test('data_end not loaded: the fix loads it from the type own context (tc at 80, XDP at 4)', async () => {
    const tc = await explained('sched_cls', 'r2 = *(u32 *)(r1 +76)\nr0 = *(u8 *)(r2 +0)\nexit\n');
    expect(tc.e.fix).toContain('load data_end (`r3 = *(u32 *)(r1 +80)`), then compare: `r4 = r2; r4 += 1; if r4 > r3 goto out`');
    const xdp = await explained('xdp', 'r2 = *(u32 *)(r1 +0)\nr0 = *(u16 *)(r2 +12)\nexit\n');
    expect(xdp.e.fix).toContain('load data_end (`r3 = *(u32 *)(r1 +4)`), then compare: `r4 = r2; r4 += 14; if r4 > r3 goto out`');
  });
});

describe('lessons', () => {
  test.each(Object.values(LESSONS))('$id exists under the title the explanations show', (l) => {
    expect(lessonById(l.id)?.title).toBe(l.title);
  });
  test('the missing NULL check links its lesson', async () => {
    const { e } = await explained('socket_filter', '.map m hash key=4 value=8 entries=4\n*(u32 *)(r10 -4) = 0\nr2 = r10\nr2 += -4\nr1 = map[m] ll\ncall bpf_map_lookup_elem\nr0 = *(u64 *)(r0 +0)\nexit\n');
    expect(e.title).toBe('Missing NULL check');
    expect(e.lesson).toEqual(LESSONS.nullCheck);
  });
});
