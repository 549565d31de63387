/** The input panel's run input, built from what the kernel's registry says each program type takes. */
import { describe, expect, test } from 'vitest';
import { DEFAULT_INPUT, buildRunInput, ctxFieldsTitle, editableCtxFields } from '../../app/lib/input';
import { ctxOutsideFields, inputFromShared } from '../../app/lib/session-io';
import { ProgType } from '../../src/isa';
import { progTypeOps } from '../../src/kernel/progtypes';

const info = (t: number) => progTypeOps(t)!.info;

describe('run input per program type', () => {
  test('skb types: the packet, and ctx bytes only when a settable field is not zero', () => {
    const plain = buildRunInput(info(ProgType.SchedCls), DEFAULT_INPUT);
    expect(typeof plain !== 'string' && plain.packet?.length).toBeGreaterThan(0);
    expect(typeof plain !== 'string' && plain.ctx).toBeUndefined();
    const marked = buildRunInput(info(ProgType.SocketFilter), { ...DEFAULT_INPUT, ctxValues: { mark: '0x10', len: '5' } });
    if (typeof marked === 'string') throw new Error(marked);
    expect(marked.ctx?.length).toBe(84);
    expect(marked.ctx?.[8]).toBe(0x10); // mark; len is not a field a run may set, so it is not written
    expect(marked.ctx?.[0]).toBe(0);
    expect(editableCtxFields(info(ProgType.SchedAct)).map((f) => f.name)).toEqual(['mark', 'priority', 'ingress_ifindex', 'ifindex', 'cb[0]', 'cb[1]', 'cb[2]', 'cb[3]', 'cb[4]']);
    expect(ctxFieldsTitle(info(ProgType.SchedCls))).toBe('struct __sk_buff (fields a test run may set)');
  });

  test('kprobe: no packet, and the whole pt_regs even when all zero (it replaces the defaults)', () => {
    const r = buildRunInput(info(ProgType.Kprobe), DEFAULT_INPUT);
    if (typeof r === 'string') throw new Error(r);
    expect(r.packet).toBeUndefined();
    expect(r.ctx?.length).toBe(168);
    expect(ctxFieldsTitle(info(ProgType.Kprobe))).toBe('struct pt_regs');
  });

  test('XDP: the packet only; tracepoint: the record and the tracepoint name', () => {
    const x = buildRunInput(info(ProgType.Xdp), { ...DEFAULT_INPUT, ctxValues: { mark: '1' } });
    expect(typeof x !== 'string' && [Boolean(x.packet), x.ctx, x.tracepoint]).toEqual([true, undefined, undefined]);
    expect(editableCtxFields(info(ProgType.Xdp))).toEqual([]);
    const t = buildRunInput(info(ProgType.Tracepoint), { ...DEFAULT_INPUT, tpHex: '0102', tracepoint: 'sched:sched_process_exec' });
    expect(t).toEqual({ repeat: 1, ctx: Uint8Array.of(1, 2), tracepoint: 'sched:sched_process_exec' });
    expect(buildRunInput(info(ProgType.Tracepoint), { ...DEFAULT_INPUT, tpHex: 'zz' })).toMatch(/^tracepoint record: /);
  });

  test('a link\'s ctx: a tracepoint record is the panel\'s own, skb bytes outside the settable fields are not', () => {
    const record = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9);
    expect(ctxOutsideFields(info(ProgType.Tracepoint), record)).toBe(false);
    expect(inputFromShared(info(ProgType.Tracepoint), { ctx: '010203040506070809' }, DEFAULT_INPUT).tpHex).toBe('010203040506070809');
    const skb = new Uint8Array(84);
    skb[0] = 1; // len
    expect(ctxOutsideFields(info(ProgType.SchedCls), skb)).toBe(true);
    skb[0] = 0;
    skb[8] = 1; // mark
    expect(ctxOutsideFields(info(ProgType.SchedCls), skb)).toBe(false);
    expect(inputFromShared(info(ProgType.SchedCls), { ctx: Buffer.from(skb).toString('hex') }, DEFAULT_INPUT).ctxValues).toEqual({ mark: '0x1' });
  });
});
