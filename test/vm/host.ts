/**
 * A fake RunHost for the VM's tests: a stack, an optional writable `mem` buffer (the
 * conformance convention: r1 = its address, r2 = its length), a packet for LD_ABS/LD_IND, a few
 * helpers with journaled state of their own (so stepping back can be checked against it), and
 * tail calls through a table of programs.
 */
import { encodeProgram, MAX_BPF_STACK, type RawInsn } from '../../src/isa';
import type { HelperOutcome, LoadedProg, RunHost } from '../../src/kernel/types';
import { AddressSpace, leBytes, type Region } from '../../src/mem';

export type Helper = (host: FakeHost, args: bigint[], pc: number) => HelperOutcome;

export interface FakeHostOptions {
  mem?: Uint8Array;
  packet?: Uint8Array;
  helpers?: Record<number, Helper>;
  /** programs a tail call (helper 12, index in r3) may jump to */
  progs?: LoadedProg[];
}

/** Helpers most tests use: 1 adds r1 to a journaled counter; 2 stores r2 (8 bytes) at r1; 3 logs. */
const TEST_HELPERS: Record<number, Helper> = {
  1: (h, [a]) => {
    const old = h.counter;
    h.mem.journal?.push(() => (h.counter = old));
    h.counter = BigInt.asUintN(64, h.counter + a);
    return { kind: 'ret', r0: h.counter, effects: [{ kind: 'note', text: `counter ${h.counter}` }] };
  },
  2: (h, [addr, v]) => {
    const f = h.mem.write(addr, leBytes(v, 8));
    return f ? { kind: 'fault', fault: f } : { kind: 'ret', r0: 0n };
  },
  3: (h, [a]) => {
    h.mem.journal?.push(() => h.log.pop());
    h.log.push(`log ${a}`);
    return { kind: 'ret', r0: BigInt(h.log.length) };
  },
  12: (h, [, , index]) => {
    const p = h.progs[Number(index)];
    if (index >= BigInt(h.progs.length) || !p || h.tailCalls >= 32) return { kind: 'ret', r0: 0n };
    const old = h.tailCalls;
    h.mem.journal?.push(() => (h.tailCalls = old));
    h.tailCalls++;
    return { kind: 'tail_call', prog: p };
  },
};

export class FakeHost implements RunHost {
  readonly mem = new AddressSpace();
  readonly stack: Region;
  readonly memRegion?: Region;
  packet: Uint8Array;
  counter = 0n;
  log: string[] = [];
  tailCalls = 0;
  readonly progs: LoadedProg[];
  private readonly helpers: Record<number, Helper>;

  constructor(opts: FakeHostOptions = {}) {
    this.stack = this.mem.map('stack', 'stack', new Uint8Array(MAX_BPF_STACK), true);
    if (opts.mem) this.memRegion = this.mem.map('mem', 'mem', opts.mem, true);
    this.packet = opts.packet ?? new Uint8Array(0);
    this.helpers = opts.helpers ?? TEST_HELPERS;
    this.progs = opts.progs ?? [];
  }

  /** r10: one past the top of the stack */
  get r10(): bigint {
    return this.mem.addr(this.stack, MAX_BPF_STACK);
  }
  /** r1 of the conformance convention: the mem buffer's address, or 0 */
  get r1(): bigint {
    return this.memRegion ? this.mem.addr(this.memRegion) : 0n;
  }

  callHelper(id: number, r1: bigint, r2: bigint, r3: bigint, r4: bigint, r5: bigint, pc: number): HelperOutcome {
    return this.helpers[id](this, [r1, r2, r3, r4, r5], pc);
  }

  hasHelper(id: number): boolean {
    return id in this.helpers;
  }

  loadSkb(offset: number, size: 1 | 2 | 4): number | null {
    if (offset < 0 || offset + size > this.packet.length) return null;
    let v = 0;
    for (let i = 0; i < size; i++) v = (v << 8) | this.packet[offset + i];
    return v >>> 0;
  }

  /** Every mapped region's name and bytes, plus the helpers' state: what stepping back must restore. */
  snapshot(): unknown {
    const regions = [...this.mem.regions()].map((r) => [r.name, r.hi, Array.from(r.bytes)]);
    return { regions, counter: this.counter, log: [...this.log], tailCalls: this.tailCalls };
  }
}

/** A LoadedProg for tail-call tests. */
export function loadedProg(id: number, insns: RawInsn[]): LoadedProg {
  const bytes = encodeProgram(insns);
  return { id, progType: 1, name: `p${id}`, bytes, slots: [], maps: [], license: 'GPL', gplCompatible: true, privileged: true };
}

