/**
 * One table of mnemonics for the assembler and the editor, and completion by position (the
 * pure functions behind Monaco's providers).
 */
import { describe, expect, test } from 'vitest';
import { assemble } from '../../src/asm';
import { MNEMONICS, type MnemonicShape } from '../../src/isa';
import { MONARCH } from '../../app/monaco/language';
import { hoverFor, type EditorContext } from '../../app/monaco/providers';
import { labelsIn, placeOf, suggestionsAt } from '../../app/monaco/complete';

const none: EditorContext = { program: null, snap: null, analysis: undefined, pc: null, maps: [], progTypes: [] };

/** Operands that make a well-formed instruction of each shape. */
const OPERANDS: Record<MnemonicShape['k'], string> = {
  alu: 'r1, 2',
  neg: 'r1',
  end: 'r1',
  movsx: 'r1, r2',
  lddw: 'r1, 0x1122334455667788',
  ld_map_fd: 'r1, 3',
  ldx: 'r0, [r10-8]',
  st: '[r10-8], 1',
  stx: '[r10-8], r1',
  ldabs: '12',
  ldind: 'r1, 14',
  ja: '+0',
  jcond: 'r1, 0, +0',
};

describe('one table of mnemonics', () => {
  const rules = MONARCH.tokenizer.root as [RegExp, string][];
  const tokenOf = (text: string): string | undefined => rules.find(([re]) => new RegExp(`^(?:${re.source})$`).test(text))?.[1];
  const statements = suggestionsAt('    ', '').map((s) => s.label);

  test('the table holds every mnemonic of the ubpf grammar, and each assembles', () => {
    expect(MNEMONICS.size).toBe(111);
    for (const [name, shape] of MNEMONICS) {
      const r = assemble(`${name} ${OPERANDS[shape.k]}\nexit\n`, { syntax: 'ubpf' });
      expect(r.ok, `${name}: ${r.ok ? '' : r.diagnostics.map((d) => d.message).join('; ')}`).toBe(true);
    }
  });

  test.each([...MNEMONICS.keys()])('%s is highlighted, explained and offered', (name) => {
    expect(['keyword.mnemonic', 'keyword']).toContain(tokenOf(name));
    const hover = hoverFor(name, `${name} r1`, none)!;
    expect(hover).toContain(`**${name}**`);
    expect(hover).toMatch(/Kernel syntax: `[^`]+`/);
    expect(statements).toContain(name);
  });

  test('a word the assembler does not take is neither highlighted nor offered', () => {
    expect(assemble('addx r1, 2\n', { syntax: 'ubpf' }).ok).toBe(false);
    expect(tokenOf('addx')).toBe('identifier');
    expect(statements).not.toContain('addx');
  });

  test('mnemonics beyond Linux 4.8 say when they came', () => {
    expect(hoverFor('jlt', 'jlt r1, 2, +1', none)).toContain('Linux 4.14');
    expect(hoverFor('jeq32', 'jeq32 r1, 2, +1', none)).toContain('Linux 5.1');
    expect(hoverFor('ldxsb', 'ldxsb r1, [r2+0]', none)).toContain('Linux 6.6');
    expect(hoverFor('jeq', 'jeq r1, 2, +1', none)).not.toContain('Not in Linux 4.8');
    expect(hoverFor('add32', 'add32 r1, 2', none)).toContain('`w1 += w2`');
  });
});

describe('completion by position', () => {
  const text = '.map counts hash key=4 value=8 entries=16\n.map cfg array key=4 value=4 entries=1\nstart:\n  r0 = 0\nout:\n  exit\n';
  const labels = (before: string) => suggestionsAt(before, text).map((s) => s.label);
  const kinds = (before: string) => [...new Set(suggestionsAt(before, text).map((s) => s.kind))];

  test('labels after goto, and as the target of a ubpf jump', () => {
    expect(labels('    if r2 > 14 goto ')).toEqual(['start', 'out']);
    expect(labels('    if r2 > 14 goto o')).toEqual(['start', 'out']);
    expect(labels('    goto ')).toEqual(['start', 'out']);
    expect(labels('    jeq r1, 0, ')).toEqual(['start', 'out']);
    expect(labels('    ja ')).toEqual(['start', 'out']);
  });

  test('helpers after call, and only helpers', () => {
    expect(kinds('    call ')).toEqual(['helper']);
    expect(kinds('    call bpf_map')).toEqual(['helper']);
    expect(labels('    call bpf_')).toContain('bpf_map_lookup_elem');
  });

  test('maps inside map[...] and after ld_map_fd/lddw, and after .entry', () => {
    expect(labels('    r1 = map[')).toEqual(['counts', 'cfg']);
    expect(labels('    r1 = map[co')).toEqual(['counts', 'cfg']);
    expect(labels('    ld_map_fd r1, ')).toEqual(['counts', 'cfg']);
    expect(labels('    lddw r1, ')).toEqual(['counts', 'cfg']);
    expect(labels('.entry ')).toEqual(['counts', 'cfg']);
  });

  test('statements at the start of a line: mnemonics, registers and the kernel syntax words', () => {
    expect(kinds('    ')).toEqual(['keyword', 'register', 'mnemonic']);
    expect(kinds('')).toEqual(['keyword', 'register', 'mnemonic']);
    expect(labels('out: ')).toContain('exit');
    expect(labels('    ')).toEqual(expect.arrayContaining(['if', 'goto', 'call', 'exit', 'r0', 'w1', 'add32', 'ja32', 'jeq32', 'ldxsb']));
  });

  test('directives after a dot, types after .type and .map NAME, parameters after the type', () => {
    expect(labels('.')).toEqual(['.map', '.type', '.license', '.kern_version', '.name', '.entry', '.raw']);
    expect(labels('.ty')).toContain('.type');
    expect(labels('.type ')).toEqual(['socket_filter', 'kprobe', 'sched_cls', 'sched_act', 'tracepoint', 'xdp']);
    expect(labels('.map counts ')).toContain('percpu_hash');
    expect(labels('.map counts hash key=4 ')).toEqual(['value=', 'entries=', 'flags=']);
    expect(labels('.map ')).toEqual([]);
    expect(labels('.license ')).toEqual([]);
  });

  test('sizes after *( and registers in operands', () => {
    expect(labels('    r0 = *(')).toEqual(['u8', 'u16', 'u32', 'u64', 's8', 's16', 's32']);
    expect(labels('    *(')).toContain('u32');
    expect(kinds('    r0 = ')).toEqual(['register', 'keyword']);
    expect(labels('    r0 = ')).toContain('map');
    expect(kinds('    add r1, ')).toEqual(['register', 'keyword']);
    expect(kinds('    if ')).toEqual(['register']);
  });

  test('nothing in comments, after exit, or where a new name goes', () => {
    expect(placeOf('    r0 = 1 # goto ')).toBe('none');
    expect(placeOf('; call ')).toBe('none');
    expect(placeOf('    r0 = 1 // ')).toBe('none');
    expect(labels('    exit ')).toEqual([]);
    expect(labels('    r1 ')).toEqual([]);
    expect(labels('.license "GPL ')).toEqual([]);
  });

  test('labels are read from the text as typed, not only the assembled program', () => {
    expect(labelsIn('a:\n  b: r0 = 1\nr1 = 2 ; c:\n_x:\n')).toEqual(['a', 'b', '_x']);
  });
});
