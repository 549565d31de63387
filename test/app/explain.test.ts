/**
 * Every message of the 4.8 verifier's catalogue (test/data/verifier/messages.json: the printf
 * formats of kernel/bpf/verifier.c) has a plain-language explanation: the test fills in each
 * format and asks for the explanation of the resulting line.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { explainErrno, explainMessage } from '../../app/panels/verifier/explain';
import { dataPath } from '../support/data';

function catalogue(): string[] {
  const data = JSON.parse(readFileSync(dataPath('verifier/messages.json'), 'utf8')) as { messages: { format: string }[] };
  return data.messages.map((m) => m.format);
}

const fill = (fmt: string): string =>
  fmt.replace(/%lld/g, '32').replace(/%d/g, '4').replace(/%x/g, 'e0').replace(/%s/g, 'map_value_or_null');

describe('explanations of the 4.8 verifier catalogue', () => {
  const messages = catalogue();
  test('the catalogue was read', () => expect(messages.length).toBeGreaterThan(70));
  test.each(messages)('%s', (fmt) => {
    const e = explainMessage(fill(fmt));
    expect(e, fill(fmt)).toBeDefined();
    expect(e!.meaning.length).toBeGreaterThan(20);
    expect(e!.fix.length).toBeGreaterThan(10);
  });
  test('messages are matched in full, not by prefix', () => {
    expect(explainMessage('R1 !read_ok please')).toBeUndefined();
    expect(explainMessage('processed 10 insns')).toBeUndefined();
  });
  test('specific wording reaches the learner', () => {
    expect(explainMessage("R0 invalid mem access 'map_value_or_null'")!.title).toBe('Missing NULL check');
    expect(explainMessage('invalid access to packet, off=0 size=1, R2(id=0,off=0,r=0)')!.fix).toContain('r4 += 1');
  });
});

describe('errnos without a message', () => {
  test.each([28, 22, 1, 7])('%d', (errno) => expect(explainErrno(errno, 1, 4096)).toBeDefined());
  test('a log size below 128 is explained as such', () => expect(explainErrno(22, 1, 64)!.title).toMatch(/log attributes/));
});
