/**
 * Text from bytes is faithful: whatever object the reader accepts, the editor text it makes
 * assembles back to the same instructions, map references, maps and directives, and nothing the
 * file names (a section, a license) can turn into a line of code. Proved on hostile hand-built
 * objects and on thousands of random mutations of the clang fixtures.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm';
import { programSource, readBpfObject, type SourceSyntax } from '../../src/elf';
import { objectView } from '../../src/session/io';
import type { Program } from '../../src/program';
import { fixture } from './listing';
import { EXEC, rels, SHT, writeElf } from './writer';

const withoutPos = (p: Program) => p.maps.map(({ pos: _pos, ...m }) => m);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Why `program`'s text in `syntax` does not give `program` back, or null when it does. */
function unfaithful(program: Program, syntax: SourceSyntax, header: string[] = []): string | null {
  const text = programSource(program, syntax, header);
  const r = assemble(text, { syntax });
  if (!r.ok) return `does not assemble: ${r.diagnostics.map((d) => `${d.line}: ${d.message}`).join('; ')}\n${text}`;
  if (hex(r.program.bytes) !== hex(program.bytes)) return `other bytes:\n${text}`;
  if (JSON.stringify(r.program.mapRefs) !== JSON.stringify(program.mapRefs)) return 'other map references';
  if (JSON.stringify(withoutPos(r.program)) !== JSON.stringify(program.maps)) return `other maps:\n${text}`;
  if (JSON.stringify(r.program.directives) !== JSON.stringify(program.directives)) return `other directives:\n${text}`;
  return null;
}

const insn = (code: number, dst = 0, src = 0, off = 0, imm = 0): number[] => {
  const b = new Uint8Array(8);
  const v = new DataView(b.buffer);
  b[0] = code;
  b[1] = (src << 4) | dst;
  v.setInt16(2, off, true);
  v.setInt32(4, imm, true);
  return [...b];
};
const RET0 = Uint8Array.from([...insn(0xb7, 0, 0, 0, 0), ...insn(0x95)]);

/** An object with one program section named `section` (and a FUNC symbol only if `fn` is given). */
function oneProgram(section: string, code: Uint8Array = RET0, fn?: string): Uint8Array {
  return writeElf({
    sections: [
      { name: section, type: SHT.PROGBITS, flags: EXEC, data: code },
      { name: 'license', type: SHT.PROGBITS, data: new TextEncoder().encode('GPL\0') },
    ],
    symbols: fn ? [{ name: fn, type: 2, bind: 1, shndx: 1, value: 0, size: code.length }] : [],
  });
}

describe('names from the file never become code', () => {
  it('a section name with newlines stays in its comment: the text returns 0, as the bytes do', () => {
    const obj = oneProgram('socket1\n    r0 = 42\n    exit\n');
    const view = objectView({ bytes: obj, syntax: 'llvm' });
    if (!view.ok) throw new Error(view.error);
    const text = view.programs[0].source;
    expect(text).not.toMatch(/^\s*r0 = 42/m);
    const r = assemble(text, { syntax: 'llvm' });
    expect(r.ok && hex(r.program.bytes)).toBe(hex(RET0));
    expect(view.programs[0].description).not.toMatch(/\n/);
    expect(view.programs[0].section).toBe('socket1\\x0a    r0 = 42\\x0a    exit\\x0a');
  });

  it.each([
    ['kretprobe/sys_write', '.name "kretprobe/sys_write"'],
    ['socket"1', '.name "socket\\x221"'],
    ['xdp\u202egnp', '.name "xdp\\u{202e}gnp"'],
    ['tc\r\nprog', '.name "tc\\x0d\\x0aprog"'],
  ])('a program named after section %j gets %s and keeps it', (section, line) => {
    const r = readBpfObject(oneProgram(section));
    if (!r.ok) throw new Error(r.error);
    const p = r.object.programs[0].program;
    for (const syntax of ['llvm', 'ubpf'] as const) {
      expect(programSource(p, syntax)).toContain(`${line}\n`);
      expect(unfaithful(p, syntax)).toBeNull();
    }
  });

  it('a license with a bidi override is refused, like one with a newline', () => {
    const obj = writeElf({
      sections: [
        { name: 'socket', type: SHT.PROGBITS, flags: EXEC, data: RET0 },
        { name: 'license', type: SHT.PROGBITS, data: new TextEncoder().encode('GPL\u202e\0') },
      ],
    });
    const r = readBpfObject(obj);
    expect(r.ok ? 'read' : r.error).toMatch(/license section holds unprintable characters/);
  });

  it.each([0, 27, 0xffffffff])('a map of type %d (unknown to 4.8) is written as its number and reassembles', (type) => {
    const def = new Uint8Array(20);
    new DataView(def.buffer).setUint32(0, type, true);
    new DataView(def.buffer).setUint32(4, 4, true);
    new DataView(def.buffer).setUint32(8, 8, true);
    new DataView(def.buffer).setUint32(12, 16, true);
    const code = Uint8Array.from([...insn(0x18, 1, 0, 0, 0), ...insn(0, 0, 0, 0, 0), ...RET0]);
    const obj = writeElf({
      sections: [
        { name: 'socket', type: SHT.PROGBITS, flags: EXEC, data: code },
        { name: 'maps', type: SHT.PROGBITS, data: def },
        { name: '.relsocket', type: SHT.REL, data: rels([{ offset: 0, sym: 1 }]), info: 1, link: 5, entsize: 16 },
      ],
      symbols: [{ name: 'm', type: 1, bind: 1, shndx: 2, value: 0, size: 20 }],
    });
    const r = readBpfObject(obj);
    if (!r.ok) throw new Error(r.error);
    const p = r.object.programs[0].program;
    expect(programSource(p, 'llvm')).toContain(`.map m ${type} key=4 value=8 entries=16\n`);
    expect(unfaithful(p, 'llvm')).toBeNull();
    expect(unfaithful(p, 'ubpf')).toBeNull();
  });

  it.each([
    ['0d', 'ja with the X bit'],
    ['0e', 'gotol with the X bit'],
    ['9d', 'exit with the X bit'],
  ])('an instruction %s (%s), which 4.8 refuses as reserved, is written as .raw', (code) => {
    const bytes = Uint8Array.from([...insn(parseInt(code, 16)), ...RET0]);
    const r = readBpfObject(oneProgram('socket', bytes));
    if (!r.ok) throw new Error(r.error);
    const p = r.object.programs[0].program;
    expect(programSource(p, 'llvm')).toContain(`.raw ${code}00000000000000`);
    expect(unfaithful(p, 'llvm')).toBeNull();
    expect(unfaithful(p, 'ubpf')).toBeNull();
  });

  it('a call with src_reg 3 to 15 is written as .raw', () => {
    for (let src = 3; src < 16; src++) {
      const bytes = Uint8Array.from([...insn(0x85, 0, src, 0, 1), ...RET0]);
      const r = readBpfObject(oneProgram('socket', bytes));
      if (!r.ok) throw new Error(r.error);
      expect(unfaithful(r.object.programs[0].program, 'llvm')).toBeNull();
      expect(unfaithful(r.object.programs[0].program, 'ubpf')).toBeNull();
    }
  });
});

describe('every object the reader accepts gives editor text that reassembles to it', () => {
  const objects = ['socket_count', 'tc_two', 'kprobe_write', 'tracepoint_open', 'xdp_drop', 'tail_calls'].map(fixture);
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('byte' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('opcode' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('u32' as const), at: fc.nat(), value: fc.constantFrom(0, 1, 7, 27, 0x7fffffff, 0xffffffff, 0x10000, 24, 64) }),
  );

  it.each(['llvm', 'ubpf'] as const)('in %s, over random mutations of the clang fixtures', (syntax) => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.nat(objects.length - 1), fc.array(mutation, { minLength: 1, maxLength: 8 }), (which, muts) => {
        const b = objects[which].slice();
        const v = new DataView(b.buffer);
        for (const m of muts) {
          // 'opcode' aims at the first byte of a slot, where reserved encodings live
          if (m.kind === 'byte') b[m.at % b.length] = m.value;
          else if (m.kind === 'opcode') b[(m.at % (b.length >> 3)) << 3] = m.value;
          else v.setUint32(m.at % (b.length - 3), m.value, true);
        }
        const r = readBpfObject(b);
        if (!r.ok) return;
        accepted++;
        for (const p of r.object.programs) expect(unfaithful(p.program, syntax, [`section ${p.section} of a clang object`])).toBeNull();
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 2000) },
    );
    // the property must have been exercised, not vacuously true
    expect(accepted).toBeGreaterThan(200);
  });
});
