/** What the editor's hovers say (the providers' text, without Monaco). */
import { describe, expect, test } from 'vitest';
import { hoverFor, type EditorContext } from '../../app/monaco/providers';
import { MONARCH } from '../../app/monaco/language';
import { registerHint } from '../../app/panels/editor/hints';
import { initialState } from '../../app/store/state';
import { progTypeInfos } from '../../src/kernel/progtypes';
import type { AnalysisView, VerifierStateView } from '../../src/protocol';

/** An analysis view whose visits are `states[pc]` in turn, all on path 0, each with its own register list and stack. */
function viewOf(states: Pick<VerifierStateView, 'regs' | 'stack'>[][]): AnalysisView {
  const visits = states.flatMap((list, pc) => list.map((st) => ({ pc, st })));
  const n = Int32Array.from(visits.keys());
  return {
    table: {
      pcs: Int32Array.from(visits, (v) => v.pc),
      pathOf: new Int32Array(visits.length),
      regList: n,
      stack: n,
      regLists: visits.map((v) => v.st.regs),
      stacks: visits.map((v) => v.st.stack),
      pruned: new Int32Array(0),
    },
    paths: [],
  };
}

const none: EditorContext = { program: null, snap: null, analysis: undefined, pc: null, maps: [], progTypes: progTypeInfos() };

describe('hovers', () => {
  test('a helper: prototype, doc, id and the program types that may call it', () => {
    const h = hoverFor('bpf_map_lookup_elem', 'call bpf_map_lookup_elem', none)!;
    expect(h).toContain('void *bpf_map_lookup_elem(struct bpf_map *map, const void *key)');
    expect(h).toContain('**id** 1');
    expect(h).toContain('socket_filter');
    expect(h).toContain('NULL');
  });
  test('a helper by number after call', () => {
    expect(hoverFor('6', 'call 6', none)).toContain('bpf_trace_printk');
    expect(hoverFor('6', 'r0 = 6', none)).toBeUndefined();
  });
  test('GPL-only and privileged-only helpers say so', () => {
    expect(hoverFor('bpf_trace_printk', 'call bpf_trace_printk', none)).toMatch(/GPL only; socket filters need CAP_SYS_ADMIN/);
  });
  test('registers: their role, and during a run the value, the pointer and the verifier type', () => {
    expect(hoverFor('r10', 'r2 = r10', none)).toContain('frame pointer');
    const ctx: EditorContext = {
      ...none,
      pc: 0,
      snap: { regs: [0n, 0xffff880000001000n], pointers: [null, { region: 'ctx (__sk_buff)', kind: 'ctx', offset: 0 }] } as never,
      analysis: viewOf([[{ regs: [{ reg: 1, type: 'ctx' }], stack: [] }]]),
    };
    const h = hoverFor('r1', 'r6 = r1', ctx)!;
    expect(h).toContain('0xffff880000001000');
    expect(h).toContain('ctx (__sk_buff)');
    expect(h).toContain('verifier type here: `ctx`');
  });
  test.each([
    ['ldxw', 'Loads 4 bytes'],
    ['jsgt', 'signed'],
    ['.map', 'Declares a map'],
    ['.entry', 'initial map entry'],
    ['ll', '64-bit immediate'],
    ['xdp', 'Program type xdp'],
    ['percpu_hash', 'Map type percpu_hash'],
  ])('%s', (word, want) => expect(hoverFor(word, word, none)).toContain(want));
  test('a declared map, with its live id', () => {
    const ctx: EditorContext = {
      ...none,
      program: { slots: 0, lines: [], text: [], labels: {}, directives: {}, maps: [{ name: 'counts', type: 1, keySize: 4, valueSize: 8, maxEntries: 256 }] },
      maps: [{ id: 3, name: 'counts', count: 2 }],
    };
    expect(hoverFor('counts', 'r1 = map[counts] ll', ctx)).toBe('**map counts**: hash, key 4 bytes, value 8 bytes, 256 entries — id 3, 2 in use');
  });
});

describe('tokens', () => {
  const rules = MONARCH.tokenizer.root as [RegExp, string][];
  const tokenOf = (text: string): string | undefined => rules.find(([re]) => new RegExp(`^(?:${re.source})$`).test(text))?.[1];
  test.each([
    ['r10', 'variable.register'],
    ['%r1', 'variable.register'],
    ['.map', 'keyword.directive'],
    ['bpf_map_lookup_elem', 'support.function'],
    ['ldxdw', 'keyword.mnemonic'],
    ['goto', 'keyword'],
    ['0x1f', 'number.hex'],
    ['# a comment', 'comment'],
  ])('%s is %s', (text, want) => expect(tokenOf(text)).toBe(want));
});

describe('inline register types', () => {
  test('only registers live on every path, alternatives joined', () => {
    const s = initialState();
    s.load = {
      stage: 'load', diagnostics: [], ok: true, errno: 0, errnoName: '', log: '', logTruncated: false, progType: 1, maps: [],
      analysis: viewOf([
        [
          { regs: [{ reg: 0, type: 'imm0' }, { reg: 1, type: 'ctx' }, { reg: 10, type: 'fp' }], stack: [] },
          { regs: [{ reg: 0, type: 'inv' }, { reg: 10, type: 'fp' }], stack: [] },
        ],
      ]),
    };
    expect(registerHint(s, 0)).toBe('R0=imm0 | inv R10=fp');
  });
});
