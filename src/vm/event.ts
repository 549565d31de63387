/**
 * Building a StepEvent around one recorded instruction: what the instruction will touch is
 * worked out before it runs (the address of a load or store, the old bytes), what it did after
 * (registers from the history's diff, new bytes, the helper's result and effects). Cold code:
 * it runs once per user step, never in the fast path.
 */
import { helperById, type Insn } from '../isa';
import { isMemFault, type Region } from '../mem';
import { u64 } from './alu';
import type { Cpu } from './cpu';
import type { MemAccess, MemWrite, RegWrite, StepEvent } from './types';

/** The memory access an instruction is about to make, with the bytes there before. */
interface PendingAccess {
  access: MemAccess;
  region: Region;
  write: boolean;
  old: Uint8Array;
}

/** The load or store `insn` would make from the current registers, if it is a valid one. */
export function pendingAccess(cpu: Cpu, insn: Insn): PendingAccess | undefined {
  let base: number;
  let write: boolean;
  switch (insn.kind) {
    case 'ldx':
      base = insn.src;
      write = false;
      break;
    case 'st':
    case 'stx':
    case 'atomic':
      base = insn.dst;
      write = true;
      break;
    default:
      return undefined;
  }
  if (base > 10) return undefined;
  const addr = BigInt.asUintN(64, cpu.reg(base) + BigInt(insn.off));
  const r = cpu.mem.resolve(addr, insn.bytes, write);
  if (isMemFault(r)) return undefined;
  const access: MemAccess = { region: r.region.name, kind: r.region.kind, offset: r.offset, addr, size: insn.bytes };
  return { access, region: r.region, write, old: r.region.bytes.slice(r.offset, r.offset + insn.bytes) };
}

/** A MemWrite from a region, offset and old/new bytes. */
export function memWrite(cpu: Cpu, region: Region, offset: number, old: Uint8Array, data: Uint8Array): MemWrite {
  return {
    region: region.name,
    kind: region.kind,
    offset,
    addr: cpu.mem.addr(region, offset),
    size: data.length,
    old,
    new: data,
  };
}

/** RegWrites from the history's [reg, oldLo, oldHi] triples and the registers now. */
function regWrites(cpu: Cpu, changes: Int32Array): RegWrite[] {
  const out: RegWrite[] = [];
  for (let e = 0; e < changes.length; e += 3) {
    const r = changes[e];
    out.push({ reg: r, old: u64(changes[e + 2], changes[e + 1]), new: cpu.reg(r) });
  }
  return out;
}

/** What one instruction did, assembled after it ran. */
export function buildEvent(
  cpu: Cpu,
  before: { step: number; progId: number; pc: number; insn: Insn; args: bigint[] },
  changes: Int32Array,
  pending: PendingAccess | undefined,
  helperWrites: MemWrite[],
): StepEvent {
  const { insn } = before;
  const stop = cpu.stop ?? undefined;
  const faulted = stop !== undefined && stop.kind === 'fault';
  const ev: StepEvent = {
    step: before.step,
    progId: before.progId,
    pcBefore: before.pc,
    pcAfter: cpu.pc,
    insn,
    regs: regWrites(cpu, changes),
    reads: [],
    writes: [],
    effects: [],
  };
  if (pending && !faulted) {
    if (insn.kind === 'ldx' || insn.kind === 'atomic') ev.reads.push(pending.access);
    if (pending.write) {
      const { region, access } = pending;
      const now = region.bytes.slice(access.offset, access.offset + access.size);
      if (now.some((b, k) => b !== pending.old[k]) || insn.kind !== 'atomic') {
        ev.writes.push({ ...access, old: pending.old, new: now });
      }
    }
  }
  ev.writes.push(...helperWrites);
  const isCall = (insn.kind === 'call' && insn.target === 'helper') || insn.kind === 'callx';
  if (isCall && cpu.lastHelper >= 0) {
    const id = cpu.lastHelper;
    const a = before.args;
    ev.call = { id, name: helperById(id)?.name ?? `helper ${id}`, args: [a[0], a[1], a[2], a[3], a[4]] };
    if (cpu.lastRet) ev.call.ret = cpu.reg(0);
    ev.effects = cpu.lastEffects ?? [];
    if (cpu.lastTail) ev.tailCall = { fromProgId: before.progId, toProgId: cpu.code.id };
  }
  if (stop) ev.stop = stop;
  return ev;
}
