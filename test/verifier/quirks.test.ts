/**
 * Linux 4.8's surprises (FACTS.md §21, and two that follow from its order of checks), each with
 * the exact log 4.8 writes, so that nobody "fixes" them by accident.
 */
import { expect, test } from 'vitest';
import { errnoName, ProgType } from '../../src/isa';
import { verify } from '../../src/verifier';
import * as B from './build';
import { request } from './support';

const { AluOp, JmpOp } = B;
const run = (bytes: Uint8Array, progType: number = ProgType.SocketFilter) => {
  const v = verify(request(bytes, { progType }), { analysis: false });
  return [v.ok ? 'OK' : errnoName(v.errno), v.log];
};
const log = (...lines: string[]) => lines.join('\n') + '\n';

test('§21.1 a 32-bit mov of -1 records the 64-bit constant -1, so `== -1` is taken statically', () => {
  expect(run(B.prog(B.alu32Imm(AluOp.MOV, 1, -1), B.jmpImm(JmpOp.JEQ, 1, -1, 1), B.exit(), B.mov64Reg(0, 1), B.exit()))).toEqual([
    'OK',
    log('0: (b4) (u32) r1 = (u32) -1', '1: (15) if r1 == 0xffffffff goto pc+1', '3: (bf) r0 = r1', '4: (95) exit', 'processed 4 insns'),
  ]);
});

test('§21.2 ld_imm64 of a constant gives an unknown value, so its compare is evaluated', () => {
  expect(run(B.prog(B.ldImm64(0, 5n), B.jmpImm(JmpOp.JEQ, 0, 5, 0), B.exit()))).toEqual([
    'OK',
    log('0: (18) r0 = 0x5', '2: (15) if r0 == 0x5 goto pc+0', ' R0=inv R1=ctx R10=fp', '3: (95) exit', '', 'from 2 to 3: safe', 'processed 4 insns'),
  ]);
});

test('§21.4 XADD and ST into writable context fields are accepted', () => {
  expect(run(B.prog(B.mov64Imm(2, 1), B.xadd(4, 1, 2, 48), B.st(4, 1, 52, 7), B.mov64Imm(0, 0), B.exit()))[0]).toBe('OK');
});

test('§21.5 a remembered unknown register covers a pointer', () => {
  const bytes = B.prog(B.ldx(4, 3, 1, 0), B.mov64Reg(2, 10), B.jmpImm(JmpOp.JEQ, 3, 0, 1), B.mov64Reg(2, 3), B.mov64Imm(0, 0), B.exit());
  expect(run(bytes)).toEqual([
    'OK',
    log(
      '0: (61) r3 = *(u32 *)(r1 +0)',
      '1: (bf) r2 = r10',
      '2: (15) if r3 == 0x0 goto pc+1',
      ' R1=ctx R2=fp R3=inv R10=fp',
      '3: (bf) r2 = r3',
      '4: (b7) r0 = 0',
      '5: (95) exit',
      '',
      'from 2 to 4: safe',
      'processed 7 insns',
    ),
  ]);
});

test('§21.6 only `if pkt > pkt_end` gives a range: JGE does not', () => {
  const bytes = B.prog(B.ldx(4, 2, 1, 76), B.ldx(4, 3, 1, 80), B.mov64Reg(0, 2), B.alu64Imm(AluOp.ADD, 0, 8), B.jmpReg(JmpOp.JGE, 0, 3, 1), B.ldx(1, 0, 2, 0), B.mov64Imm(0, 0), B.exit());
  const [errno, text] = run(bytes, ProgType.SchedCls);
  expect(errno).toBe('EACCES');
  expect(text.endsWith('5: (71) r0 = *(u8 *)(r2 +0)\ninvalid access to packet, off=0 size=1, R2(id=0,off=0,r=0)\n')).toBe(true);
});

test('§21.10 privileged pointer arithmetic silently gives an unknown value', () => {
  expect(run(B.prog(B.mov64Reg(2, 1), B.alu64Imm(AluOp.ADD, 2, 4), B.ldx(4, 0, 2, 0), B.exit()))).toEqual([
    'EACCES',
    log('0: (bf) r2 = r1', '1: (07) r2 += 4', '2: (61) r0 = *(u32 *)(r2 +0)', "R2 invalid mem access 'inv'"),
  ]);
});

test('`r1 = r1` leaves r1 unknown: the destination is reset before the copy (§10.1 order)', () => {
  const [errno, text] = run(B.prog(B.mov64Reg(1, 1), B.jmpImm(JmpOp.JEQ, 1, 0, 0), B.mov64Imm(0, 0), B.exit()));
  expect(errno).toBe('OK');
  expect(text).toContain('1: (15) if r1 == 0x0 goto pc+0\n R1=inv R10=fp\n');
});

test('a u8/u16 store of an unknown register marks its upper bits known zero (4.8 does it for writes too)', () => {
  const [, text] = run(B.prog(B.ldx(4, 2, 1, 0), B.stx(2, 10, 2, -8), B.jmpImm(JmpOp.JEQ, 2, 0, 0), B.mov64Imm(0, 0), B.exit()));
  expect(text).toContain('2: (15) if r2 == 0x0 goto pc+0\n R1=ctx R2=inv48 R10=fp\n');
});
