/**
 * The control-flow graph and the verifier's walk over it: blocks and edges, how often each
 * block was entered and processed, branches pushed and pruned, and the refused path.
 */
import { describe, expect, test } from 'vitest';
import { assemble } from '../../src/asm';
import { buildCfg, exploration } from '../../src/insight';
import { analyze } from './support';

const bytesOf = (text: string): Uint8Array => {
  const r = assemble(text);
  if (!r.ok) throw new Error('does not assemble');
  return r.program.bytes;
};

describe('basic blocks', () => {
  test('leaders at 0, jump targets and after jumps and exits; ld_imm64 spans two slots; calls do not split', () => {
    const cfg = buildCfg(bytesOf(`
  r1 = 0x100000000 ll   ; 0-1
  call 5                ; 2
  if r0 > 3 goto big    ; 3
  r0 = 1                ; 4
  goto done             ; 5
big:
  r0 = 2                ; 6
done:
  exit                  ; 7
`));
    expect(cfg.blocks.map((b) => [b.start, b.end, b.pcs])).toEqual([
      [0, 3, [0, 2, 3]],
      [4, 5, [4, 5]],
      [6, 6, [6]],
      [7, 7, [7]],
    ]);
    expect(cfg.edges).toEqual([
      { from: 0, to: 1, kind: 'fall' },
      { from: 0, to: 2, kind: 'taken' },
      { from: 1, to: 3, kind: 'jump' },
      { from: 2, to: 3, kind: 'fall' },
    ]);
    expect([...cfg.blockOf]).toEqual([0, 0, 0, 0, 1, 1, 2, 3]);
  });

  test('a jump out of the program gets no edge', () => {
    const cfg = buildCfg(bytesOf('.raw 0500050000000000\nexit\n'));
    expect(cfg.blocks.length).toBe(2);
    expect(cfg.edges).toEqual([]);
  });
});

describe('the walk over the graph', () => {
  test('an accepted program: entries, pushes, the popped path', () => {
    const x = analyze(`
.type socket_filter
.map h hash key=8 value=8 entries=16
  *(u64 *)(r10 -8) = 0
  r2 = r10
  r2 += -8
  r1 = map[h] ll
  call bpf_map_lookup_elem
  r1 = 1
  if r0 == 0 goto out
  lock *(u64 *)(r0 +0) += r1
  r0 = *(u64 *)(r0 +0)
out:
  exit
`);
    const g = exploration(x.analysis, x.program.bytes);
    expect(g.processed).toBe(11);
    expect(g.blocks.map((b) => [b.start, b.entries, b.processed, b.pruned])).toEqual([
      [0, 1, 7, 0],
      [8, 1, 2, 0],
      [10, 2, 2, 1],
    ]);
    const taken = g.edges.find((e) => e.kind === 'taken')!;
    expect([taken.from, taken.to, taken.pushed, taken.walked]).toEqual([0, 2, 1, 1]);
    expect(g.paths.map((p) => [p.id, p.end, p.blocks])).toEqual([
      [0, 'exit', [0, 1, 2]],
      [1, 'pruned', [2]],
    ]);
    expect(g.paths[1].prunedBy).toBe(9);
    expect(g.errorTrail).toEqual([]);
    expect(g.blocks.every((b) => !b.onErrorPath && !b.error)).toBe(true);
  });

  test('a refused program: the refused path from instruction 0 to the error is marked', () => {
    const x = analyze(`
.type socket_filter
  r2 = *(u32 *)(r1 +0)          ; 0
  r0 = 0                        ; 1
  if r2 > 10 goto big           ; 2
  exit                          ; 3
big:
  if r2 > 100 goto huge         ; 4
  exit                          ; 5
huge:
  r0 = *(u64 *)(r10 -8)         ; 6: never written
  exit
`);
    expect(x.ok).toBe(false);
    const g = exploration(x.analysis, x.program.bytes);
    expect(g.errorPc).toBe(6);
    const ids = (pred: (b: (typeof g.blocks)[number]) => boolean) => g.blocks.filter(pred).map((b) => b.start);
    expect(g.errorTrail.map((id) => g.blocks[id].start)).toEqual([0, 4, 6]);
    expect(ids((b) => b.onErrorPath)).toEqual([0, 4, 6]);
    expect(ids((b) => b.error)).toEqual([6]);
    expect(g.edges.filter((e) => e.onErrorPath).map((e) => [g.blocks[e.from].start, g.blocks[e.to].start, e.kind])).toEqual([
      [0, 4, 'taken'],
      [4, 6, 'taken'],
    ]);
    expect(g.paths.find((p) => p.end === 'error')!.blocks).toEqual([g.errorTrail[2]]);
  });

  test('a load refused before the walk has the graph but no walk', () => {
    const x = analyze('.type socket_filter\nr0 = 0\nloop:\nr0 += 1\nif r0 < 5 goto loop\nexit\n');
    const g = exploration(x.analysis, x.program.bytes);
    expect(g.noWalk).toMatch(/back-edge/);
    expect(g.blocks.length).toBe(3);
    expect(g.blocks.every((b) => b.processed === 0)).toBe(true);
  });

  test('a 4,000-instruction program: every slot in a block, every visit counted', () => {
    // each branch's two sides meet in equal states, so the walk prunes and stays linear
    const body: string[] = ['.type socket_filter', 'r0 = 0', 'r3 = 2', 'r2 = *(u32 *)(r1 +0)'];
    for (let i = 0; i < 1000; i++) body.push(`if r2 > ${i} goto l${i}`, 'r3 = 2', `l${i}:`, 'r0 = 1', 'r4 = 3');
    body.push('exit');
    const x = analyze(body.join('\n'));
    expect(x.ok).toBe(true);
    const g = exploration(x.analysis, x.program.bytes);
    expect(g.blocks.reduce((n, b) => n + b.insns.length, 0)).toBe(x.program.insns.length);
    expect(g.blocks.reduce((n, b) => n + b.processed, 0)).toBe(x.analysis.processed);
    expect(x.program.insns.length).toBeGreaterThan(3990);
    expect(g.blocks.length).toBe(2001);
  });
});
