/**
 * Every message of the 4.8 verifier's catalogue (../shared/verifier/FACTS.md §19) has a
 * plain-language explanation: the test reads the catalogue, fills in each printf format, and asks
 * for the explanation of the resulting line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { explainErrno, explainMessage } from '../../app/panels/verifier/explain';

function catalogue(): string[] {
  // ../shared beside the repository (a worktree under /work/wt sits one level deeper)
  const path = ['../shared', '../../shared'].map((d) => `${d}/verifier/FACTS.md`).find(existsSync) ?? '../shared/verifier/FACTS.md';
  const facts = readFileSync(path, 'utf8');
  const start = facts.indexOf('## 19.');
  const section = facts.slice(start, facts.indexOf('\n## ', start + 5));
  const messages: string[] = [];
  for (const row of section.split('\n').filter((l) => l.startsWith('| `'))) {
    const first = row.split(/(?<!\\)\|/)[1];
    // a cell may hold several messages, and "`into ctx`"-style suffixes of the one before
    let prev = '';
    for (const m of first.matchAll(/`([^`]+)`/g)) {
      let msg = m[1].replace(/\\\|/g, '|');
      if (/^(into|->)/.test(msg)) msg = prev.replace(/(into \w+( \w+)?|->\w+)$/, msg);
      messages.push(msg);
      prev = msg;
    }
  }
  return messages;
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
