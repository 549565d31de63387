/** Raw instruction builders for the VM's tests (kernel encodings, no assembler needed). */
import { encodeProgram, type RawInsn } from '../../src/isa';
import { Machine, type MachineOptions } from '../../src/vm';
import { FakeHost, type FakeHostOptions } from './host';

export type Slot = RawInsn & { slots?: number; next?: RawInsn };

/** One slot from its fields. */
export const ins = (code: number, dst = 0, src = 0, off = 0, imm = 0): Slot => ({ code, dst, src, off, imm });
/** ld_imm64 dst, v */
export const lddw = (dst: number, v: bigint, src = 0): Slot => {
  const u = BigInt.asUintN(64, v);
  return { code: 0x18, dst, src, off: 0, imm: Number(BigInt.asIntN(32, u)), slots: 2, next: ins(0, 0, 0, 0, Number(BigInt.asIntN(32, u >> 32n))) };
};
export const mov64 = (dst: number, imm: number): Slot => ins(0xb7, dst, 0, 0, imm);
export const movReg = (dst: number, src: number): Slot => ins(0xbf, dst, src);
export const exit = (): Slot => ins(0x95);
export const call = (id: number): Slot => ins(0x85, 0, 0, 0, id);

export const prog = (insns: Slot[]): Uint8Array => encodeProgram(insns);

/** A machine over a fresh FakeHost, with the conformance convention for r1/r2 when `mem` is given. */
export function machine(insns: Slot[], opts: MachineOptions & FakeHostOptions = {}): { m: Machine; host: FakeHost } {
  const host = new FakeHost(opts);
  const init = { r1: opts.mem ? host.r1 : 0n, r2: BigInt(opts.mem?.length ?? 0), r10: host.r10 };
  const m = new Machine(host, { id: 1, bytes: prog(insns) }, init, opts);
  return { m, host };
}
