/**
 * Turns the engine's objects into the plain data of the protocol: step events, regions, pointers.
 * Pure functions over the contracts (vm/types, mem, kernel/types); everything returned is a copy,
 * so a snapshot never changes under the UI when the run goes on.
 */
import { describeFault, type AddressSpace, type Region } from '../mem';
import type { Effect } from '../kernel/types';
import type { StepEvent, StopReason } from '../vm/types';
import type { AccessView, EffectView, PointerView, RegionView, StepView, StopView } from '../protocol';

const copy = (b: Uint8Array): Uint8Array => b.slice();

/**
 * Where a value points, if its upper half names a region and its offset falls inside it. The
 * offset counts from the region's origin (a tracepoint's record: below it is negative).
 */
export function pointerOf(mem: AddressSpace, value: bigint): PointerView | null {
  const v = BigInt.asUintN(64, value);
  const region = mem.regionOfHi(Number(v >> 32n));
  if (!region) return null;
  const at = Number(v & 0xffffffffn) - region.lo;
  // one past the end is a valid pointer value (data_end, a stack pointer at fp)
  if (at < 0 || at > region.size) return null;
  return { region: region.name, kind: region.kind, offset: at - region.origin };
}

/** A copy of a region's bytes from its origin on, with the address of the origin. */
export function regionView(mem: AddressSpace, region: Region): RegionView {
  return { name: region.name, addr: mem.addr(region, region.origin), bytes: copy(region.bytes.subarray(region.origin, region.size)) };
}

/** A copy of the bytes below a region's origin (a tracepoint record's), if it has any. */
export const belowOrigin = (region: Region): Uint8Array | undefined => (region.origin > 0 ? copy(region.bytes.subarray(0, region.origin)) : undefined);

export function stopView(s: StopReason): StopView {
  switch (s.kind) {
    case 'exit':
      return { kind: 'exit', r0: s.r0 };
    case 'fault':
      // a memory fault says what was accessed where ("out of bounds: store of 1 byte at ... (region stack)")
      return { kind: 'fault', message: s.mem ? describeFault(s.mem) : s.message };
    case 'budget':
      return { kind: 'budget', executed: s.executed };
  }
}

function effectView(e: Effect): EffectView {
  switch (e.kind) {
    case 'map_update':
      return { ...e, key: copy(e.key), old: e.old ? copy(e.old) : null, value: copy(e.value) };
    case 'map_delete':
      return { ...e, key: copy(e.key), old: copy(e.old) };
    case 'map_lookup':
      return { ...e, key: copy(e.key) };
    case 'perf_output':
      return { ...e, data: copy(e.data) };
    default:
      return { ...e };
  }
}

/**
 * A step event as the protocol carries it; `text` prints the instruction (asm's kernel-log
 * printer). Access offsets count from their region's origin, as pointers do.
 */
export function stepView(e: StepEvent, text: string, mem: AddressSpace): StepView {
  const access = (a: StepEvent['reads'][number]): AccessView => ({
    region: a.region,
    kind: a.kind,
    offset: a.offset - (mem.regionOfHi(Number(a.addr >> 32n))?.origin ?? 0),
    size: a.size,
    addr: a.addr,
  });
  const view: StepView = {
    step: e.step,
    progId: e.progId,
    pcBefore: e.pcBefore,
    pcAfter: e.pcAfter,
    text,
    regs: e.regs.map((r) => ({ reg: r.reg, old: r.old, new: r.new })),
    reads: e.reads.map(access),
    writes: e.writes.map((w) => ({ ...access(w), old: copy(w.old), new: copy(w.new) })),
    effects: e.effects.map(effectView),
  };
  if (e.call) view.call = { id: e.call.id, name: e.call.name, args: [...e.call.args], ret: e.call.ret };
  if (e.tailCall) view.tailCall = { ...e.tailCall };
  if (e.stop) view.stop = stopView(e.stop);
  return view;
}
