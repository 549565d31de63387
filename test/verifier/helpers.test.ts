/**
 * The helper prototypes the verifier checks calls against (isa's HELPERS, through helperFor)
 * agree with test/data/verifier/helpers.json: return and argument kinds, gpl_only, the program
 * types each is offered to (trace_printk: networking types only with CAP_SYS_ADMIN), packet
 * invalidation and the accepted map types.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { BPF_FUNC_MAX_ID, HELPERS, MAP_TYPE_NAMES, PROG_TYPE_NAMES, ProgType } from '../../src/isa';
import { helperFor } from '../../src/verifier';
import { dataPath } from '../support/data';

interface JsonHelper {
  id: number;
  name: string;
  ret_type: string | null;
  arg_types: string[];
  gpl_only: boolean;
  prog_types: string[];
  invalidates_packet_pointers: boolean;
  accepted_map_types?: string[];
}
const json = JSON.parse(readFileSync(dataPath('verifier/helpers.json'), 'utf8')) as {
  max_func_id_exclusive: number;
  helpers: JsonHelper[];
};

const progTypeOf = (s: string) => Number(Object.entries(PROG_TYPE_NAMES).find(([, n]) => `BPF_PROG_TYPE_${n.toUpperCase()}` === s)![0]);
const mapTypeOf = (s: string) => Number(Object.entries(MAP_TYPE_NAMES).find(([, n]) => `BPF_MAP_TYPE_${n.toUpperCase()}` === s)![0]);
const ALL_TYPES = [1, 2, 3, 4, 5, 6];
const NET = new Set<number>([ProgType.SocketFilter, ProgType.SchedCls, ProgType.SchedAct, ProgType.Xdp]);

test('the id range matches', () => {
  expect(BPF_FUNC_MAX_ID).toBe(json.max_func_id_exclusive);
  expect(HELPERS.length).toBe(json.helpers.length);
});

describe.each(json.helpers.map((h) => [h.id, h.name, h] as const))('helper %i %s', (id, _name, h) => {
  const p = HELPERS[id];

  test('prototype', () => {
    const ret = { RET_INTEGER: 'integer', RET_VOID: 'void', RET_PTR_TO_MAP_VALUE_OR_NULL: 'map_value_or_null' }[h.ret_type ?? ''];
    if (h.ret_type) expect(p.ret).toBe(ret);
    const args = h.arg_types.length ? h.arg_types.map((a) => a.replace(/^ARG_/, '').toLowerCase()) : ['dontcare', 'dontcare', 'dontcare', 'dontcare', 'dontcare'];
    expect(p.args).toEqual(args);
    expect(p.gplOnly).toBe(h.gpl_only);
    expect(p.invalidatesPacket).toBe(h.invalidates_packet_pointers);
    const maps = (h.accepted_map_types ?? []).map(mapTypeOf).sort();
    expect([...(p.mapTypes ?? [])].sort()).toEqual(maps);
  });

  test('offered to the same program types (privileged)', () => {
    const offered = ALL_TYPES.filter((t) => helperFor(t, id, true));
    expect(offered).toEqual(h.prog_types.map(progTypeOf).sort());
  });

  test('unprivileged, only trace_printk disappears, and only for networking types', () => {
    for (const t of ALL_TYPES) {
      const lost = helperFor(t, id, true) !== null && helperFor(t, id, false) === null;
      expect(lost).toBe(id === 6 && NET.has(t));
    }
  });
});
