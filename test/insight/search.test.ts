/**
 * "Show me a run": for each classic refusal about a value, the search finds an input that
 * drives the refused path to the refused instruction, and the debugger, running the program
 * without the verifier on that input, reaches the refused instruction and shows what the
 * verifier prevented. Where no input can exist, or none is found in time, it says why.
 */
import { describe, expect, test } from 'vitest';
import { searchRun } from '../../src/insight';
import { hexToBytes } from '../../src/isa';
import { lessonById, SAMPLE_PACKETS } from '../../src/lessons';
import { Session } from '../../src/session';
import { CLASSICS } from './classics';
import { analyze } from './support';

const PACKET = hexToBytes(SAMPLE_PACKETS[0].hex)!;
const search = (text: string, privileged = true, timeMs = 10_000) => {
  const x = analyze(text, { privileged });
  return { x, r: searchRun(x.program, x.analysis, x.program.directives.progType!, { timeMs, packet: PACKET }) };
};

describe.each(CLASSICS.map((c) => [c.id, c] as const))('%s', (_id, c) => {
  test('4.8 refuses it with the classic message, and the search finds a run that shows it', () => {
    const { x, r } = search(c.source, c.privileged);
    expect(x.ok).toBe(false);
    expect(x.log.trim().split('\n').at(-1)).toBe(c.message);
    expect(r.refusal?.message).toBe(c.message);
    expect(r.found, r.reason).toBe(true);
    expect(r.outcome).toMatch(c.shows);
    expect(r.trail.at(-1)).toBe(x.analysis.error!.pc);
  });

  test('the debugger, verification off, follows the refused path and shows it at the refused instruction', async () => {
    const s = new Session();
    const loaded = await s.load({ text: c.source, syntax: 'auto', progType: 1, logLevel: 1, logSize: 65536, privileged: c.privileged });
    if (!loaded.ok) throw new Error(loaded.error.message);
    expect(loaded.value.ok).toBe(false);
    const shown = await s.showRun({ packet: PACKET, timeMs: 10_000 });
    if (!shown.ok) throw new Error(shown.error.message);
    const { search, update, reached } = shown.value;
    expect(search.found).toBe(true);
    expect(reached).toBe(true);
    const snap = update!.snapshot;
    expect(snap.last?.pcBefore).toBe(search.refusal!.pc);
    expect(snap.position).toBe(search.trail.length);
    const last = snap.last!;
    if (snap.state === 'faulted') expect(last.stop?.kind === 'fault' && last.stop.message).toMatch(c.shows);
    else {
      // no fault: the refused instruction ran, and its step shows the access the verifier prevented
      expect(snap.state).toBe('paused');
      expect(last.stop).toBeUndefined();
      const hex = (v: bigint | string) => BigInt(v).toString(16);
      if (/nothing wrote/.test(search.outcome!)) {
        // fp-8 read directly, or handed to a helper as the key's address
        const fp8 = [...last.reads.filter((r) => r.kind === 'stack' && r.offset === 504 && r.size === 8).map((r) => hex(r.addr)), ...(last.call?.args ?? []).map(hex)];
        const frame = snap.regs[10] - 8n;
        expect(fp8).toContain(hex(frame));
      } else if (/kernel address/.test(search.outcome!)) {
        const w = last.writes.find((x) => x.kind === 'map_value');
        const stored = [...(w?.new ?? [])].reduceRight((v, b) => (v << 8n) | BigInt(b), 0n);
        expect(stored).toBe(snap.regs[10]);
        expect(search.outcome).toContain(`0x${hex(stored)}`);
      } else {
        expect(search.outcome).toMatch(/outside it/);
        expect(last.reads).toContainEqual(expect.objectContaining({ kind: 'map_value', offset: 8, size: 8 }));
      }
    }
    // the run can be stepped back to its start and forward again
    const back = await s.goto(0);
    expect(back.ok && back.value.snapshot.pc).toBe(0);
  });
});

test('a packet path: three header checks turned before the unchecked read', () => {
  const { r } = search(`
.type sched_cls
  r2 = *(u32 *)(r1 +76)
  r3 = *(u32 *)(r1 +80)
  r4 = r2
  r4 += 38
  if r4 > r3 goto out
  r5 = *(u16 *)(r2 +12)
  if r5 != 0xdd86 goto out      ; IPv6 (EtherType 0x86dd, read little-endian)
  r5 = *(u8 *)(r2 +20)
  if r5 != 17 goto out          ; next header UDP
  r5 = *(u16 *)(r2 +36)
  r5 = be16 r5
  if r5 != 53 goto out          ; from port 53? (checked in host order after be16)
  r0 = *(u8 *)(r2 +62)          ; refused: nothing checked 63 bytes
  exit
out:
  r0 = 0
  exit
`);
  expect(r.found, r.reason).toBe(true);
  const p = r.input!.packet!;
  expect([p[12], p[13], p[20], p[36], p[37]]).toEqual([0x86, 0xdd, 17, 0, 53]);
  expect(p.length).toBeGreaterThanOrEqual(54);
  expect(p.length).toBeLessThanOrEqual(62);
  expect(r.outcome).toMatch(/out of bounds: load of 1 byte/);
});

test('a kprobe: a register of pt_regs decides the path', () => {
  const { r } = search(`
.type kprobe
.kern_version 0x040800
  r2 = *(u64 *)(r1 +112)        ; regs->di, the first argument
  if r2 != 0x1234 goto out
  r0 = *(u64 *)(r10 -16)        ; refused: never written
  exit
out:
  r0 = 0
  exit
`);
  expect(r.found, r.reason).toBe(true);
  const di = new DataView(r.input!.ctx!.buffer).getBigUint64(112, true);
  expect(di).toBe(0x1234n);
});

test('a tracepoint: a field of the record decides the path', () => {
  const { r } = search(`
.type tracepoint
  r2 = *(u32 *)(r1 +56)         ; sched_switch's next_pid
  if r2 != 4242 goto out
  r0 = *(u64 *)(r10 -16)        ; refused: never written
  exit
out:
  r0 = 0
  exit
`);
  expect(r.found, r.reason).toBe(true);
  expect(new DataView(r.input!.ctx!.buffer).getUint32(56, true)).toBe(4242);
});

test('a map value decides the path: the search writes the value', () => {
  const { r } = search(`
.type socket_filter
.map cfg array key=4 value=8 entries=1
  *(u32 *)(r10 -4) = 0
  r2 = r10
  r2 += -4
  r1 = map[cfg] ll
  call bpf_map_lookup_elem
  if r0 == 0 goto out
  r1 = *(u32 *)(r0 +4)
  if r1 != 7 goto out           ; a flag user space sets
  r0 = *(u64 *)(r10 -16)        ; refused: never written
  exit
out:
  r0 = 0
  exit
`);
  expect(r.found, r.reason).toBe(true);
  expect(r.input!.maps).toEqual([{ name: 'cfg', entries: [{ key: Uint8Array.of(0, 0, 0, 0), value: Uint8Array.of(0, 0, 0, 0, 7, 0, 0, 0) }], deleted: [] }]);
});

describe('when there is no run to show, it says why', () => {
  test('a constant key inside an array: the lookup never returns NULL', () => {
    const lesson = lessonById('verifier-null-check')!;
    const { r } = search(lesson.source);
    expect(r.found).toBe(false);
    expect(r.reason).toMatch(/constant key 0, inside the array's 1 element: it always finds one and never returns NULL/);
  });

  test('a refusal about the program, not a value', () => {
    for (const id of ['verifier-loop', 'verifier-unknown-func', 'verifier-gpl-only']) {
      const l = lessonById(id)!;
      const { r } = search(l.source, l.privileged);
      expect(r.found).toBe(false);
      expect(r.reason).toMatch(/about the program itself, not about a value/);
    }
  });

  test('an accepted program', () => {
    expect(search('.type socket_filter\nr0 = 0\nexit\n').r.reason).toMatch(/accepted/);
  });

  test('a branch on a helper result the search does not control', () => {
    const { r } = search(`
.type socket_filter
  call bpf_get_prandom_u32
  if r0 != 0x7fffffff goto out
  r0 = *(u64 *)(r10 -8)
  exit
out:
  r0 = 0
  exit
`);
    expect(r.found).toBe(false);
    expect(r.reason).toMatch(/at instruction 1 the run went to 4 instead of 2, and no input the search controls/);
  });

  test('no input in the time allowed: a condition no strategy inverts', () => {
    const { r } = search(
      `
.type socket_filter
  r6 = r1
  r0 = *(u32 *)skb[12]
  r0 *= 0x9e3779b1              ; a hash of the source address
  if r0 != 0x12345679 goto out
  r0 = *(u64 *)(r10 -8)
  exit
out:
  r0 = 0
  exit
`,
      true,
      300,
    );
    expect(r.found).toBe(false);
    expect(r.reason).toMatch(/no input found in the time allowed \(300 ms, \d+ runs\)/);
    expect(r.ms).toBeLessThan(5000);
  });
});
