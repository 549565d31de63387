/**
 * Provenance and the exploration graph through the engine's API: after a Load, for the visits
 * the analysis lists; errors as values for a bad visit, a bad place, or nothing loaded.
 */
import { expect, test } from 'vitest';
import { Session } from '../../src/session';
import { statesAt, type LoadResult } from '../../src/protocol';

const TEXT = `.type socket_filter
.map counts array key=4 value=8 entries=1
  *(u32 *)(r10 -4) = 0
  r2 = r10
  r2 += -4
  r1 = map[counts] ll
  call bpf_map_lookup_elem
  r1 = 1
  lock *(u64 *)(r0 +0) += r1
  r0 = 0
  exit
`;

async function loaded(s: Session, text = TEXT): Promise<LoadResult> {
  const r = await s.load({ text, syntax: 'auto', progType: 1, logLevel: 1, logSize: 65536, privileged: true });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

test('the visits of a load answer provenance; map loads are named in the notes', async () => {
  const s = new Session();
  const load = await loaded(s);
  expect(load.ok).toBe(false);
  const a = load.analysis!;
  expect(a.paths).toEqual([{ id: 0, parent: -1, from: 0, to: 0, end: 'error' }]);
  expect(a.errorVisit).toBe(6);
  const at = statesAt(a, 7)[0];
  expect([at.order, at.path]).toEqual([6, 0]);
  const r = await s.provenance({ visit: at.order, place: { reg: 0 } });
  if (!r.ok) throw new Error(r.error.message);
  expect(r.value.type).toBe('map_value_or_null(ks=4,vs=8)');
  expect(r.value.pcs).toEqual([5, 3]);
  expect(r.value.steps[1].note).toBe('r1 = map[counts]  ⇒ R1=map_ptr(ks=4,vs=8)');
});

test('the exploration graph of the loaded program', async () => {
  const s = new Session();
  await loaded(s);
  const g = await s.exploration();
  if (!g.ok) throw new Error(g.error.message);
  expect(g.value.blocks.length).toBe(1);
  expect(g.value.blocks[0].insns[3].text).toBe('(18) r1 = map[counts]');
  expect(g.value.blocks[0].error).toBe(true);
  expect(g.value.errorTrail).toEqual([0]);
});

test('bad requests and no program are errors, not exceptions', async () => {
  const s = new Session();
  const none = await s.provenance({ visit: 0, place: { reg: 0 } });
  expect(!none.ok && none.error.code).toBe('no_program');
  expect(((await s.exploration()) as { ok: false; error: { code: string } }).error.code).toBe('no_program');
  await loaded(s);
  for (const req of [{ visit: 99, place: { reg: 0 } }, { visit: 0, place: { reg: 11 } }, { visit: 0, place: { stack: 0 } }, { visit: 0.5, place: { reg: 1 } }, { visit: 0, place: null }]) {
    const r = await s.provenance(req as never);
    expect(!r.ok && r.error.code).toBe('bad_request');
  }
});
