/**
 * Provenance on the verifier's own states: backwards through moves, ALU, loads, spills and
 * fills, with refinements (a NULL check, a packet range check) and clobbers (a call), per path.
 */
import { describe, expect, test } from 'vitest';
import { provenance } from '../../src/insight';
import type { Place } from '../../src/protocol';
import { analyze, type Analyzed, visitsAt } from './support';

const chain = (x: Analyzed, visit: number, place: Place) => provenance(x.analysis, x.slots, visit, place);
const kinds = (p: ReturnType<typeof chain>) => p.steps.map((s) => `${s.kind}@${s.pc}`);

describe('a hash map lookup', () => {
  const x = analyze(`
.type socket_filter
.map h hash key=8 value=8 entries=16
  *(u64 *)(r10 -8) = 0          ; 0
  r6 = r1                       ; 1
  r2 = r10                      ; 2
  r2 += -8                      ; 3
  *(u64 *)(r10 -16) = r6        ; 4: spill
  r1 = map[h] ll                ; 5-6
  call bpf_map_lookup_elem      ; 7
  if r0 == 0 goto out           ; 8
  r7 = *(u64 *)(r10 -16)        ; 9: fill
  r3 = *(u64 *)(r0 +0)          ; 10
  r0 = 0                        ; 11
out:
  exit                          ; 12
`);
  const at = (pc: number) => visitsAt(x.analysis, pc)[0];

  test('the key pointer: r10, then += -8', () => {
    const p = chain(x, at(7), { reg: 2 });
    expect(p.type).toBe('fp-8');
    expect(kinds(p)).toEqual(['write@3', 'write@2']);
    expect(p.steps[0].note).toBe('r2 += -8  ⇒ R2=fp-8');
    expect(p.origins).toEqual(['the frame pointer r10']);
    expect(p.pcs).toEqual([3, 2]);
    expect(p.complete).toBe(true);
  });

  test('a checked lookup result: the NULL check refines, the call writes, the map argument types it', () => {
    const p = chain(x, at(10), { reg: 0 });
    expect(p.type).toBe('map_value(ks=8,vs=8)');
    expect(kinds(p)).toEqual(['refine@8', 'write@7', 'write@5']);
    expect(p.steps[0].note).toContain('map_value_or_null(ks=8,vs=8) → map_value(ks=8,vs=8)');
    expect(p.origins).toEqual(['the result of bpf_map_lookup_elem', 'a map (ld_imm64 of a map fd)']);
  });

  test('a fill leads to its spill and on to the register spilled', () => {
    const p = chain(x, at(10), { reg: 7 });
    expect(p.type).toBe('ctx');
    expect(kinds(p)).toEqual(['write@9', 'write@4', 'write@1']);
    expect(p.steps[1].place).toEqual({ stack: -16 });
    expect(p.origins).toEqual(['the context (r1 at entry)']);
  });

  test('a register the call made unreadable: the call', () => {
    const p = chain(x, at(8), { reg: 1 });
    expect(p.type).toBe('');
    expect(kinds(p)).toEqual(['clobber@7']);
    expect(p.steps[0].note).toContain('R1 is no longer readable');
  });

  test('stack bytes: the store of a constant', () => {
    const p = chain(x, at(7), { stack: -8 });
    expect(p.type).toBe('mmmmmmmm');
    expect(kinds(p)).toEqual(['write@0']);
    expect(p.origins).toEqual(['the constant 0']);
  });
});

test('a packet pointer: loaded from the context, its range given by the comparison with data_end', () => {
  const x = analyze(`
.type sched_cls
  r2 = *(u32 *)(r1 +76)         ; 0: data
  r3 = *(u32 *)(r1 +80)         ; 1: data_end
  r4 = r2                       ; 2
  r4 += 14                      ; 3
  if r4 > r3 goto out           ; 4
  r0 = *(u8 *)(r2 +12)          ; 5
  exit
out:
  r0 = 0
  exit
`);
  const p = chain(x, visitsAt(x.analysis, 5)[0], { reg: 2 });
  expect(p.type).toBe('pkt(id=0,off=0,r=14)');
  expect(kinds(p)).toEqual(['refine@4', 'write@0']);
  expect(p.steps[0].note).toBe('if r4 > r3 goto pc+2  ⇒ R2 pkt(id=0,off=0,r=0) → pkt(id=0,off=0,r=14)');
  expect(p.origins).toEqual(['the context (loaded at r1+76)']);
});

test('each path has its own chain: the same instruction reached two ways', () => {
  const x = analyze(`
.type socket_filter
  r0 = 0                        ; 0
  r2 = *(u32 *)(r1 +0)          ; 1: skb->len
  if r2 > 10 goto a             ; 2
  r3 = 1                        ; 3
  goto b                        ; 4
a:
  r3 = r2                       ; 5
b:
  r0 = r3                       ; 6
  exit
`);
  const [first, second] = visitsAt(x.analysis, 6);
  expect(x.analysis.visits[first].path).not.toBe(x.analysis.visits[second].path);
  const p1 = chain(x, first, { reg: 3 });
  const p2 = chain(x, second, { reg: 3 });
  expect(p1.type).toBe('imm1');
  expect(kinds(p1)).toEqual(['write@3']);
  expect(p1.origins).toEqual(['the constant 1']);
  expect(p2.type).toBe('inv');
  expect(kinds(p2)).toEqual(['write@5', 'write@1']);
  expect(p2.origins).toEqual(['the context (loaded at r1+0)']);
});

test('bytes a helper wrote into a raw stack buffer', () => {
  const x = analyze(`
.type kprobe
.kern_version 0x040800
  r1 = r10                      ; 0
  r1 += -16                     ; 1
  r2 = 16                       ; 2
  r3 = 0                        ; 3
  call bpf_probe_read           ; 4
  r0 = *(u64 *)(r10 -16)        ; 5
  exit                          ; 6
`);
  const p = chain(x, visitsAt(x.analysis, 6)[0], { reg: 0 });
  expect(kinds(p)).toEqual(['write@5', 'write@4']);
  expect(p.origins).toEqual(['what bpf_probe_read wrote']);
});

test('LD_ABS writes r0 from the packet and clobbers r1-r5', () => {
  const x = analyze(`
.type socket_filter
  r6 = r1
  r2 = 7                        ; 1
  r0 = *(u8 *)skb[12]           ; 2
  r0 += r2                      ; 3: refused, r2 was clobbered
  exit
`);
  expect(x.ok).toBe(false);
  const v = visitsAt(x.analysis, 3)[0];
  expect(kinds(chain(x, v, { reg: 0 }))).toEqual(['write@2']);
  expect(chain(x, v, { reg: 0 }).origins).toEqual(['the packet (LD_ABS)']);
  expect(kinds(chain(x, v, { reg: 2 }))).toEqual(['clobber@2']);
});

test('past the analysis state limit the chain says it is incomplete', () => {
  const text = `.type socket_filter\n${Array.from({ length: 8 }, (_, i) => `r${i % 5} = ${i}`).join('\n')}\nr0 = r1\nexit\n`;
  const full = analyze(text);
  const cut = analyze(text, { stateLimit: 3 });
  const v = visitsAt(full.analysis, 9)[0];
  expect(chain(full, v, { reg: 0 }).complete).toBe(true);
  expect(chain(full, v, { reg: 0 }).pcs).toEqual([8, 6]);
  expect(chain(cut, v, { reg: 0 }).complete).toBe(false);
});
