/**
 * Every message of the verifier's message table (src/verifier/messages.ts) has a plain-language
 * explanation, found by the message's id: the test walks the table itself, so a message added to
 * it without an explanation fails here (and the type check fails first). Real refusals carry the
 * id and the arguments the explanation names.
 */
import { describe, expect, test } from 'vitest';
import { explainErrno, explainRefusal } from '../../app/panels/verifier/explain';
import { MESSAGES, type MessageId } from '../../src/verifier/messages';
import { verify } from '../../src/verifier';
import { ProgType } from '../../src/isa';
import * as B from '../verifier/build';
import { request } from '../verifier/support';

const IDS = Object.keys(MESSAGES) as MessageId[];
const sample = (name: string): number | string => (/type|expected/.test(name) ? 'map_value_or_null' : 4);

describe('explanations of the verifier message table', () => {
  test('the table was read', () => expect(IDS.length).toBeGreaterThan(70));
  test.each(IDS)('%s', (id) => {
    const args = Object.fromEntries(MESSAGES[id].args.map((n) => [n, sample(n)]));
    const e = explainRefusal({ id, args });
    expect(e.title.length).toBeGreaterThan(3);
    expect(e.meaning.length).toBeGreaterThan(20);
    expect(e.fix.length).toBeGreaterThan(10);
    // the arguments reach the text: none is printed as "undefined"
    expect(`${e.title} ${e.meaning} ${e.fix}`).not.toMatch(/undefined|NaN/);
  });
});

describe('a refusal carries its id and arguments to the explanation', () => {
  const refusalOf = (bytes: Uint8Array, progType: number = ProgType.SocketFilter) => verify(request(bytes, { progType }), { analysis: false }).refusal!;

  test('the missing NULL check', () => {
    const bytes = B.prog(B.st(8, 10, -8, 0), B.mov64Reg(2, 10), B.alu64Imm(B.AluOp.ADD, 2, -8), B.ldMapFd(1, 3), B.call(1), B.ldx(8, 0, 0, 0), B.exit());
    const r = refusalOf(bytes);
    expect(r).toMatchObject({ id: 'invalid_mem_access', args: { reg: 0, type: 'map_value_or_null' }, pc: 6, text: "R0 invalid mem access 'map_value_or_null'" });
    expect(explainRefusal(r).title).toBe('Missing NULL check');
  });

  test('a packet access names the register and the bytes to check', () => {
    const bytes = B.prog(B.ldx(4, 2, 1, 76), B.ldx(1, 0, 2, 0), B.exit());
    const r = refusalOf(bytes, ProgType.SchedCls);
    expect(r).toMatchObject({ id: 'packet_access', args: { off: 0, size: 1, reg: 2, id: 0, reg_off: 0, range: 0 } });
    expect(explainRefusal(r).fix).toContain('r4 += 1');
  });

  test('a refusal without a log line still has its id', () => {
    const r = verify(request(B.prog(B.mov64Imm(0, 0), B.exit()), { logSize: 64 }), { analysis: false }).refusal!;
    expect(r).toMatchObject({ id: 'log_attrs', text: null, args: { log_level: 1, log_size: 64 } });
    expect(explainRefusal(r).title).toMatch(/log attributes/);
  });
});

describe('errnos without a refusal of the verifier', () => {
  test.each([28, 22, 1, 7])('%d', (errno) => expect(explainErrno(errno, 1, 4096)).toBeDefined());
  test('a log size below 128 is explained as such', () => expect(explainErrno(22, 1, 64)!.title).toMatch(/log attributes/));
});
