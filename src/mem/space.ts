/**
 * The address space of one program run: regions of bytes at kernel-like 64-bit addresses.
 *
 * Each region owns a distinct upper 32-bit half of the address, so finding the region of an
 * address is one lookup by its upper half, and a pointer that walks off its region never lands
 * in another one. Every load and store is checked; a bad access is a `MemFault` value naming
 * the address, the size and the region (or none), never an exception.
 */
import { UNDO_COST, type Journal } from './journal';

export type RegionKind = 'stack' | 'ctx' | 'packet' | 'map_value' | 'task' | 'kernel' | 'user' | 'mem' | 'map';

export interface Region {
  /** what it is, for faults and the UI */
  kind: RegionKind;
  /** a readable name: "stack", "ctx (__sk_buff)", "map counts value", ... */
  name: string;
  /** the backing bytes; a region may be resized by replacing them (the packet) */
  bytes: Uint8Array;
  writable: boolean;
  /** upper 32 bits of every address in the region (assigned by the space) */
  hi: number;
  /** lower 32 bits of the region's first byte (assigned by the space) */
  lo: number;
  /** number of bytes addressable, usually bytes.length */
  size: number;
  /**
   * Where the object the region holds begins, as a byte offset into the region: 0 but for a
   * tracepoint's context, whose record sits after the memory below it that 4.8 lets a program
   * read (kernel/progtypes/tracepoint.ts). Views count the offsets they show (pointers, accesses) from here;
   * addresses and checks do not look at it.
   */
  origin: number;
  /**
   * Set for regions whose loads and stores are not plain bytes: the __sk_buff context, whose
   * fields the kernel rewrites into accesses of the real sk_buff (data/data_end load 64-bit
   * pointers, tc_index keeps 16 bits, ...). Loads and stores of the VM go through these; `bytes`
   * then only mirrors the last values for display.
   */
  hooks?: RegionHooks;
  /** which history segment last saved each 256-byte page (mem/cow.ts); undefined until a recorded write */
  pages?: Uint32Array;
}

export interface RegionHooks {
  /** the value an aligned load of `size` bytes at `offset` gives (unsigned), or null to fault */
  load(offset: number, size: number): bigint | null;
  /** performs a store; false to fault */
  store(offset: number, size: number, value: bigint): boolean;
  /**
   * The same load without BigInt, for the VM's hot path: the value's low and high 32 bits into
   * out[0] and out[1]; false to fault. Hooks that have it must give what `load` gives.
   */
  loadHalves?(offset: number, size: number, out: Int32Array): boolean;
  /** The same store without BigInt: the value as its low and high 32 bits (the low `size` bytes count). */
  storeHalves?(offset: number, size: number, lo: number, hi: number): boolean;
}

export interface MemFault {
  fault: 'mem';
  /** the address accessed, as an unsigned 64-bit number */
  addr: bigint;
  size: number;
  write: boolean;
  /** the region the address fell in, if any */
  region?: string;
  /** 'refused': the region's hooks did not allow this access (a context field that is not there) */
  reason: 'no region' | 'out of bounds' | 'read-only' | 'refused';
}

export const isMemFault = (x: unknown): x is MemFault =>
  typeof x === 'object' && x !== null && (x as MemFault).fault === 'mem';

/** Describes a fault the way the debugger and the CLI print it. */
/** Gives a region the bytes of `data` (a packet reloaded): in place when the length is the same, else a new buffer. */
export function refill(r: Region, data: Uint8Array): void {
  if (r.bytes.length === data.length) r.bytes.set(data);
  else r.bytes = data.slice();
  r.size = data.length;
}

export function describeFault(f: MemFault): string {
  const where = f.region ? `region ${f.region}` : 'no region';
  const what =
    f.reason === 'read-only'
      ? 'write to read-only memory'
      : f.reason === 'out of bounds'
        ? 'out of bounds'
        : f.reason === 'refused'
          ? 'access not allowed'
          : 'invalid address';
  return `${what}: ${f.write ? 'store' : 'load'} of ${f.size} byte${f.size === 1 ? '' : 's'} at 0x${f.addr.toString(16)} (${where})`;
}

/** Upper halves of region addresses are taken from here on, like x86-64's direct map. */
const HI_BASE = 0xffff8800;
/** Upper half of the first stack; the stacks of bpf-to-bpf call frames follow it. */
export const STACK_HI = 0xffffc900;

/** Saves the pages a write is about to change (mem/cow.ts's PageCow). */
export interface PageSaver {
  touch(r: Region, offset: number, size: number): void;
}

/** Sees every byte change made through `writeAt` (the VM collects a step's helper writes with it). */
type WriteWatcher = (region: Region, offset: number, old: Uint8Array, data: Uint8Array) => void;

export class AddressSpace {
  private readonly byHi = new Map<number, Region>();
  // A two-entry cache of the last regions found: loads and stores mostly alternate between
  // the stack and one other region, and the interpreter looks a region up on every access.
  private hi0 = 0;
  private r0: Region | undefined = undefined;
  private hi1 = 0;
  private r1: Region | undefined = undefined;
  /** set while stepping with history; stores push their undo here */
  journal: Journal | null = null;
  /** set with `journal` by the VM's history: writes save the pages they touch once per segment instead (mem/cow.ts) */
  cow: PageSaver | null = null;
  /** set while the VM records a step; told of every `writeAt` */
  watcher: WriteWatcher | null = null;

  /**
   * Maps a region and gives it its address. The start is placed at a fixed low half so that
   * addresses look like the kernel's and stay stable across runs (determinism). `hi` asks for a
   * given upper half (the VM's call frames); it must be free.
   */
  map(kind: RegionKind, name: string, bytes: Uint8Array, writable: boolean, size = bytes.length, hi?: number): Region {
    if (hi === undefined) hi = kind === 'stack' && !this.byHi.has(STACK_HI) ? STACK_HI : this.takeHi();
    else if (this.byHi.has(hi >>> 0)) throw new Error(`address space: upper half 0x${(hi >>> 0).toString(16)} is taken`);
    hi >>>= 0;
    const lo = kind === 'stack' ? 0x0000_8000 : 0x1000_0000;
    // every field present from the start, so that all regions share one object shape
    const region: Region = { kind, name, bytes, writable, hi, lo, size, origin: 0, hooks: undefined, pages: undefined };
    this.byHi.set(hi, region);
    this.forget();
    return region;
  }

  unmap(region: Region): void {
    if (this.byHi.get(region.hi) === region) this.byHi.delete(region.hi);
    this.forget();
  }

  /** The lowest free upper half: a run maps its regions where the previous run had them (same addresses every run). */
  private takeHi(): number {
    let hi = HI_BASE;
    while (this.byHi.has(hi)) hi++;
    return hi;
  }

  private forget(): void {
    this.hi0 = this.hi1 = 0;
    this.r0 = this.r1 = undefined;
  }

  /** The 64-bit address of byte `offset` of a region. */
  addr(region: Region, offset = 0): bigint {
    return (BigInt(region.hi) << 32n) | BigInt((region.lo + offset) >>> 0);
  }

  /** The region an address's upper half names (no bounds check). Signed or unsigned `hi` alike. */
  regionOfHi(hi: number): Region | undefined {
    hi |= 0;
    if (hi === this.hi0 && hi !== 0) return this.r0;
    if (hi === this.hi1 && hi !== 0) {
      const r = this.r1;
      this.hi1 = this.hi0;
      this.r1 = this.r0;
      this.hi0 = hi;
      this.r0 = r;
      return r;
    }
    const r = this.byHi.get(hi >>> 0);
    if (r !== undefined) {
      this.hi1 = this.hi0;
      this.r1 = this.r0;
      this.hi0 = hi;
      this.r0 = r;
    }
    return r;
  }

  regions(): IterableIterator<Region> {
    return this.byHi.values();
  }

  /**
   * Finds the region and offset of [addr, addr+size), or the fault that access would be.
   * `write` asks for a writable region.
   */
  resolve(addr: bigint, size: number, write: boolean): { region: Region; offset: number } | MemFault {
    const a = BigInt.asUintN(64, addr);
    const hi = Number(a >> 32n);
    const lo = Number(a & 0xffffffffn);
    const region = this.regionOfHi(hi);
    if (!region) return { fault: 'mem', addr: a, size, write, reason: 'no region' };
    const offset = lo - region.lo;
    if (offset < 0 || size < 0 || offset + size > region.size) {
      return { fault: 'mem', addr: a, size, write, region: region.name, reason: 'out of bounds' };
    }
    if (write && !region.writable) return { fault: 'mem', addr: a, size, write, region: region.name, reason: 'read-only' };
    return { region, offset };
  }

  /** Copies `len` bytes out of memory. */
  read(addr: bigint, len: number): Uint8Array | MemFault {
    const r = this.resolve(addr, len, false);
    if (isMemFault(r)) return r;
    return r.region.bytes.slice(r.offset, r.offset + len);
  }

  /** Copies bytes into memory, recording the old bytes when a journal is set. */
  write(addr: bigint, data: Uint8Array): MemFault | null {
    const r = this.resolve(addr, data.length, true);
    if (isMemFault(r)) return r;
    this.writeAt(r.region, r.offset, data);
    return null;
  }

  /** Writes into a region directly (helpers writing into maps or the packet), journaled. */
  writeAt(region: Region, offset: number, data: Uint8Array): void {
    const j = this.journal;
    const w = this.watcher;
    const c = this.cow;
    if (c !== null) c.touch(region, offset, data.length);
    if ((j && !c) || w) {
      const old = region.bytes.slice(offset, offset + data.length);
      const bytes = region.bytes;
      if (j && !c) j.push(() => bytes.set(old, offset), UNDO_COST + old.length);
      if (w) w(region, offset, old, data.slice());
    }
    region.bytes.set(data, offset);
  }

  /** Reads an unsigned little-endian integer of 1, 2, 4 or 8 bytes. */
  readUint(addr: bigint, size: 1 | 2 | 4 | 8): bigint | MemFault {
    const b = this.read(addr, size);
    return isMemFault(b) ? b : leValue(b, 0, size);
  }

  /** Reads a NUL-terminated string of at most `max` bytes (for trace_printk's %s and the like). */
  readCString(addr: bigint, max: number): string | MemFault {
    let out = '';
    for (let i = 0; i < max; i++) {
      const b = this.read(addr + BigInt(i), 1);
      if (isMemFault(b)) return b;
      if (b[0] === 0) break;
      out += String.fromCharCode(b[0]);
    }
    return out;
  }
}

/** Little-endian bytes of an unsigned integer. */
export function leBytes(value: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let v = BigInt.asUintN(size * 8, value);
  for (let i = 0; i < size; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** The unsigned little-endian integer in bytes [off, off+size). */
export function leValue(bytes: Uint8Array, off: number, size: number): bigint {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[off + i]);
  return v;
}
