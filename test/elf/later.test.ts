/**
 * Objects that Linux 4.8 cannot take, said so at import (issue 10): a bpf-to-bpf call names the
 * function it calls (clang relocates it against `.text`, whose symbol has no name), and code
 * built for a later CPU version (clang 20's default -mcpu=v3: JMP32) is read, with a warning
 * that says what 4.8 will refuse and to rebuild with -mcpu=v1. The fixtures are
 * test/fixtures/elf/src/bpf_call.c and jmp32.c, built by clang 19.
 */
import { describe, expect, it } from 'vitest';
import { readBpfObject } from '../../src/elf';
import { objectView } from '../../src/session/io';
import { answerValue } from '../../src/session/request';
import { exportRequest } from '../../src/session/export';
import { fixture } from './listing';

describe('a bpf-to-bpf call', () => {
  it('is refused naming the function called, found at the relocation\'s offset in .text', () => {
    const r = readBpfObject(fixture('bpf_call'));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toBe('xdp+0x18: a call to the function "twice"; bpf-to-bpf calls came in Linux 4.16, after 4.8 (make it static __always_inline)');
  });
});

describe('instructions beyond 4.8 (-mcpu=v3)', () => {
  it('are read, with a warning that names them and suggests -mcpu=v1', () => {
    const r = readBpfObject(fixture('jmp32'));
    if (!r.ok) throw new Error(r.error);
    const w = r.object.programs[0].warning;
    expect(w).toBe(
      "2 of its 8 instructions are beyond Linux 4.8 (32-bit jumps (JMP32, -mcpu=v3)), so 4.8's verifier will refuse it; clang 20 and later build for -mcpu=v3 by default: rebuild with -mcpu=v1 (clang -O2 -target bpf -mcpu=v1 -c ...)",
    );
  });

  it('the IDE gets the warning with the program, and as a comment at the top of its text', () => {
    const v = objectView({ bytes: fixture('jmp32'), syntax: 'auto' });
    if (!v.ok) throw new Error(v.error);
    expect(v.programs[0].warning).toMatch(/-mcpu=v1/);
    expect(v.programs[0].source.split('\n')[1]).toMatch(/^; warning: 2 of its 8 instructions are beyond Linux 4\.8/);
  });

  it('and 4.8 refuses the program as the warning said', () => {
    const r = readBpfObject(fixture('jmp32'));
    if (!r.ok) throw new Error(r.error);
    const a = answerValue(exportRequest(r.object.programs[0].program));
    if ('request_error' in a) throw new Error(a.request_error);
    expect(a.load).toMatchObject({ ok: false, error: 'EINVAL' });
    expect(a.load.log.trimEnd().split('\n').pop()).toBe('unknown insn class 6');
  });

  it('objects within 4.8 get no warning', () => {
    for (const name of ['socket_count', 'tc_two', 'kprobe_write', 'tracepoint_open', 'xdp_drop', 'tail_calls']) {
      const r = readBpfObject(fixture(name));
      if (!r.ok) throw new Error(r.error);
      expect(r.object.programs.map((p) => p.warning)).toEqual(r.object.programs.map(() => undefined));
    }
  });
});
