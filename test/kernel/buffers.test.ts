/**
 * The kernel's buffers are bounded as Linux's are: a perf event's ring loses samples (and says
 * how many, with perf's LOST record) when its reader is behind; trace_pipe's per-CPU ring
 * overwrites its oldest page (and says so with a `CPU:N [LOST M EVENTS]` line). Both undo exactly
 * under a recording journal, and a run --json answer reports what they dropped.
 */
import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/mem';
import { LOST_RECORD_BYTES, PERF_PAGE_SIZE, PerfRing, sampleBytes } from '../../src/kernel/perf-ring';
import { BUF_PAGE_SIZE, TRACE_RING_PAGES, TracePipe, traceRecordBytes } from '../../src/kernel/trace';
import { answerValue, type Answer } from '../../src/session/request';
import { kernel } from '../support/kernel';

type Ok = Extract<Answer, { load: unknown }>;
const ok = (a: Answer): Ok => {
  if ('request_error' in a) throw new Error(`request_error: ${a.request_error}`);
  return a;
};

describe('perf ring', () => {
  const bytes = (n: number, fill = 0xab) => new Uint8Array(n).fill(fill);

  it('a raw sample takes its header, its u32 size and the bytes padded to 8', () => {
    expect(sampleBytes(0)).toBe(16);
    expect(sampleBytes(4)).toBe(16);
    expect(sampleBytes(5)).toBe(24);
    expect(sampleBytes(512)).toBe(8 + 520);
  });

  it('keeps samples until the ring is full, then loses and counts them', () => {
    const k = kernel();
    const ring = new PerfRing(k.mem, 1);
    const rec = sampleBytes(500); // 512
    const fits = Math.floor((PERF_PAGE_SIZE - 1) / rec); // CIRC_SPACE leaves one byte free
    for (let i = 0; i < fits; i++) expect(ring.output(0, bytes(500, i))).toBe(true);
    expect(ring.output(0, bytes(500))).toBe(false);
    expect(ring.output(0, bytes(500))).toBe(false);
    expect(ring.lost).toBe(2);
    expect(ring.peek().length).toBe(fits);
    expect(ring.used).toBe(fits * rec);
    // 511 bytes are left: a small sample fits, behind the LOST record of the two before it
    expect(ring.output(1, bytes(4))).toBe(true);
    expect(ring.peek().slice(-2)).toEqual([
      { kind: 'lost', cpu: 1, lost: 2 },
      { kind: 'sample', cpu: 1, data: bytes(4) },
    ]);
    expect(ring.used).toBe(fits * rec + LOST_RECORD_BYTES + 16);
  });

  it('after the reader catches up, the next sample comes after a LOST record with the count', () => {
    const k = kernel();
    const ring = new PerfRing(k.mem, 1);
    while (ring.output(0, bytes(100))) {
      /* fill */
    }
    ring.output(0, bytes(100));
    ring.output(0, bytes(100));
    expect(ring.lost).toBe(3);
    const first = ring.read();
    expect(first.every((r) => r.kind === 'sample')).toBe(true);
    expect(ring.used).toBe(0);
    expect(ring.output(1, bytes(8, 7))).toBe(true);
    expect(ring.read()).toEqual([
      { kind: 'lost', cpu: 1, lost: 3 },
      { kind: 'sample', cpu: 1, data: bytes(8, 7) },
    ]);
    expect(ring.lost).toBe(3); // the total since the event was opened
  });

  it('a LOST record needs room too', () => {
    const k = kernel();
    const ring = new PerfRing(k.mem, 1);
    ring.output(0, bytes(PERF_PAGE_SIZE - 8 - 4 - 8)); // 4088 of 4096 bytes used: 7 left
    expect(ring.output(0, bytes(0))).toBe(false);
    ring.read();
    // 4095 bytes free: a 4072-byte sample fits alone, but not with the 24-byte LOST record before it
    expect(ring.output(0, bytes(PERF_PAGE_SIZE - 8 - 4 - 8 - LOST_RECORD_BYTES + 8))).toBe(false);
    expect(ring.output(0, bytes(PERF_PAGE_SIZE - 8 - 4 - 8 - LOST_RECORD_BYTES))).toBe(true);
    expect(ring.peek().map((r) => r.kind)).toEqual(['lost', 'sample']);
  });

  it('undoes writes, losses and reads exactly under a journal', () => {
    const k = kernel();
    const ring = new PerfRing(k.mem, 1);
    for (let i = 0; i < 5; i++) ring.output(0, bytes(900, i));
    const j = new Journal();
    k.mem.journal = j;
    const state = () => JSON.stringify({ recs: ring.peek(), lost: ring.lost, used: ring.used });
    const marks: [number, string][] = [];
    for (let i = 0; i < 6; i++) {
      marks.push([j.mark(), state()]);
      ring.output(0, bytes(900, 10 + i));
    }
    marks.push([j.mark(), state()]);
    ring.read();
    marks.push([j.mark(), state()]);
    ring.output(0, bytes(1));
    for (const [mark, s] of marks.reverse()) {
      j.rewindTo(mark);
      expect(state()).toBe(s);
    }
    k.mem.journal = null;
  });

  it('the perf_event_open of a reader that maps a size perf refuses is EINVAL', () => {
    const k = kernel();
    expect(k.perfEventOpen({ cpu: 0, pages: 3 })).toEqual({ ok: false, errno: 22 });
    expect(k.perfEventOpen({ cpu: 0, pages: 0 })).toEqual({ ok: false, errno: 22 });
    const r = k.perfEventOpen({ cpu: 0, pages: 2 });
    expect(r.ok).toBe(true);
  });
});

describe('trace_pipe ring', () => {
  it("a record's size is print_entry, the message and its NUL behind the event header", () => {
    expect(traceRecordBytes(0)).toBe(24); // 17 + 4, aligned
    expect(traceRecordBytes(5)).toBe(28);
    expect(traceRecordBytes(95)).toBe(116); // 112 bytes of data: still a small event
    expect(traceRecordBytes(96)).toBe(124); // 113: the length takes a word of its own
  });

  const msgFor = (size: number): number => {
    for (let len = 0; len < 200; len++) if (traceRecordBytes(len) === size) return len;
    throw new Error('no length');
  };

  it('overwrites the oldest page when full, and the next read says how many records were lost', () => {
    const k = kernel();
    const t = new TracePipe(k.mem);
    const len = msgFor(40);
    const perPage = Math.floor(BUF_PAGE_SIZE / 40);
    const capacity = perPage * TRACE_RING_PAGES;
    for (let i = 0; i < capacity; i++) t.write(`l${i}`, 0, len);
    expect(t.dropped).toBe(0);
    t.write('next', 0, len);
    expect(t.dropped).toBe(perPage);
    const out = t.read();
    expect(out[0]).toBe(`CPU:0 [LOST ${perPage} EVENTS]`);
    expect(out[1]).toBe(`l${perPage}`);
    expect(out.at(-1)).toBe('next');
    expect(out.length).toBe(1 + capacity - perPage + 1);
    expect(t.read()).toEqual([]);
    t.write('after', 0, len);
    expect(t.read()).toEqual(['after']); // the LOST line is printed once
  });

  it('keeps one ring per CPU and reads them back in the order written', () => {
    const k = kernel();
    const t = new TracePipe(k.mem);
    const len = msgFor(40);
    const capacity = Math.floor(BUF_PAGE_SIZE / 40) * TRACE_RING_PAGES;
    t.write('cpu1 first', 1, len);
    for (let i = 0; i < capacity + 1; i++) t.write(`c0 ${i}`, 0, len);
    t.write('cpu1 second', 1, len);
    const out = t.read();
    expect(out.filter((l) => l.startsWith('cpu1'))).toEqual(['cpu1 first', 'cpu1 second']);
    expect(out.indexOf('cpu1 first')).toBe(0); // written first, and CPU 1 lost nothing
    expect(out[1]).toMatch(/^CPU:0 \[LOST \d+ EVENTS\]$/);
    expect(out.at(-1)).toBe('cpu1 second');
  });

  it('a full ring costs O(1) a line: 400,000 more lines, far past the ring, go quickly', () => {
    const k = kernel();
    const t = new TracePipe(k.mem);
    for (let i = 0; i < 440_000; i++) t.write('          <idle>-0     [000] ..s1   100.000001: 0: hello', 0, 5);
    expect(t.dropped).toBeGreaterThan(380_000);
    expect(t.peek().length + t.dropped).toBe(440_000 + 1); // and the LOST line
  });

  it('undoes writes that overwrote a page, and reads, exactly under a journal', () => {
    const k = kernel();
    const t = new TracePipe(k.mem);
    const len = msgFor(40);
    const capacity = Math.floor(BUF_PAGE_SIZE / 40) * TRACE_RING_PAGES;
    for (let i = 0; i < capacity - 2; i++) t.write(`l${i}`, 0, len);
    const j = new Journal();
    k.mem.journal = j;
    const state = () => JSON.stringify({ lines: t.peek(), dropped: t.dropped });
    const marks: [number, string][] = [];
    for (let i = 0; i < 5; i++) {
      marks.push([j.mark(), state()]);
      t.write(`new${i}`, i % 2, len);
    }
    marks.push([j.mark(), state()]);
    t.read();
    marks.push([j.mark(), state()]);
    t.write('after read', 0, len);
    for (const [mark, s] of marks.reverse()) {
      j.rewindTo(mark);
      expect(state()).toBe(s);
    }
    k.mem.journal = null;
  });
});

describe('run --json reports what the buffers dropped', () => {
  const perfMap = { name: 'events', type: 'perf_event_array', key_size: 4, value_size: 4, max_entries: 1, entries: [{ key: '00000000', value_perf_cpu: 0 }] };

  it('500 samples of 512 bytes a run, 20 runs: the ring keeps what fits and the answer counts the rest', () => {
    const zero = Array.from({ length: 64 }, (_, i) => `*(u64 *)(r10 - ${8 * (i + 1)}) = 0`);
    const out = Array.from({ length: 500 }, () => 'r1 = r6\nr2 = map[events] ll\nr3 = 0\nr4 = r10\nr4 += -512\nr5 = 512\ncall bpf_perf_event_output');
    const source = ['.map events perf_event_array key=4 value=4 entries=1', '.type kprobe', '.kern_version 4.8.0', 'r6 = r1', ...zero, ...out, 'r0 = 0', 'exit'].join('\n');
    const a = ok(answerValue({ source, maps: [{ name: 'events', entries: perfMap.entries }], run: { repeat: 20 } }));
    expect(a.load.ok).toBe(true);
    const run = a.run!;
    expect(run.retval).toBe(0);
    const samples = run.perf!.filter((r) => 'data' in r);
    const fits = Math.floor((8 * PERF_PAGE_SIZE - 1) / sampleBytes(512));
    expect(samples.length).toBe(fits);
    expect(run.dropped).toEqual({ trace: 0, perf: 500 * 20 - fits });
  });

  it('trace_printk past the ring: the answer has the LOST line and the count', () => {
    const print = Array.from({ length: 100 }, () => 'r1 = r10\nr1 += -8\nr2 = 4\ncall bpf_trace_printk');
    const source = ['.type kprobe', '.kern_version 4.8.0', 'r1 = 0x216968', '*(u64 *)(r10 - 8) = r1', ...print, 'r0 = 0', 'exit'].join('\n');
    const a = ok(answerValue({ source, run: { repeat: 700 } }));
    const run = a.run!;
    expect(run.ok).toBe(true);
    expect(run.trace![0]).toMatch(/^CPU:0 \[LOST \d+ EVENTS\]$/);
    const lost = Number(/LOST (\d+)/.exec(run.trace![0])![1]);
    expect(run.dropped).toEqual({ trace: lost, perf: 0 });
    expect(run.trace!.length - 1 + lost).toBe(70_000);
  });
});
