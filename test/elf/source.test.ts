import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm';
import { programSource, readBpfObject, type SourceSyntax } from '../../src/elf';
import type { Program } from '../../src/program';
import { fixture } from './listing';

const PROGRAMS = ['socket_count', 'tc_two', 'kprobe_write', 'tracepoint_open', 'xdp_drop', 'tail_calls'].flatMap((name) => {
  const r = readBpfObject(fixture(name));
  if (!r.ok) throw new Error(r.error);
  return r.object.programs.map((p) => ({ id: `${name} ${p.section}`, program: p.program }));
});
const CASES = PROGRAMS.flatMap((p) => (['llvm', 'ubpf'] as SourceSyntax[]).map((s) => [p.id, s, p.program] as const));

const withoutPos = (p: Program) => p.maps.map(({ pos: _pos, ...m }) => m);

describe('an object program as editor text', () => {
  it.each(CASES)('%s in %s assembles back to the same program', (_id, syntax, program) => {
    const text = programSource(program, syntax);
    const r = assemble(text, { syntax });
    if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n') + '\n' + text);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(Buffer.from(r.program.bytes).toString('hex')).toBe(Buffer.from(program.bytes).toString('hex'));
    expect(r.program.mapRefs).toEqual(program.mapRefs);
    expect(withoutPos(r.program)).toEqual(program.maps);
    expect(r.program.directives).toEqual(program.directives);
    for (const [name, slot] of program.labels) expect(r.program.labels.get(name)).toBe(slot);
  });

  it('reads as a learner would write it: directives, maps, labels and named jumps', () => {
    const r = readBpfObject(fixture('socket_count'));
    if (!r.ok) throw new Error(r.error);
    const text = programSource(r.object.programs[0].program, 'llvm', ['socket_count.o, section socket1']);
    expect(text).toBe(
      [
        '; socket_count.o, section socket1',
        '.name count_protocols',
        '.type socket_filter',
        '.license "GPL"',
        '.map proto_bytes array key=4 value=8 entries=256',
        '',
        '    r6 = r1',
        '    r0 = *(u8 *)skb[23]',
        '    *(u32 *)(r10 - 4) = r0',
        '    r1 = *(u32 *)(r6 + 4)',
        '    if r1 != 0 goto LBB0_3',
        '    r2 = r10',
        '    r2 += -4',
        '    r1 = map[proto_bytes] ll',
        '    call bpf_map_lookup_elem',
        '    if r0 == 0 goto LBB0_3',
        '    r1 = *(u32 *)(r6 + 0)',
        '    lock *(u64 *)(r0 + 0) += r1',
        'LBB0_3:',
        '    r0 = 0',
        '    exit',
        '',
      ].join('\n'),
    );
  });

  it('names jump targets that have no symbol', () => {
    const r = readBpfObject(fixture('socket_count'));
    if (!r.ok) throw new Error(r.error);
    const p = { ...r.object.programs[0].program, labels: new Map<string, number>() };
    const text = programSource(p, 'ubpf');
    expect(text).toContain('jne %r1, 0, L13\n');
    expect(text).toContain('\nL13:\n');
    const back = assemble(text, { syntax: 'ubpf' });
    expect(back.ok && Buffer.from(back.program.bytes).equals(Buffer.from(p.bytes))).toBe(true);
  });

  it.each(['llvm', 'ubpf'] as SourceSyntax[])('labels only where a label line can stand: a jump into an ld_imm64 keeps its offset, a label at the end stays (%s)', (syntax) => {
    const r = assemble('goto +1\nr1 = 5 ll\nif r1 == 0 goto -3\nif r1 == 1 goto out\nexit\nout:\n');
    if (!r.ok) throw new Error(r.diagnostics[0].message);
    const text = programSource(r.program, syntax);
    const back = assemble(text, { syntax });
    expect(back.ok ? Buffer.from(back.program.bytes).toString('hex') : back.diagnostics[0].message).toBe(Buffer.from(r.program.bytes).toString('hex'));
  });
});
