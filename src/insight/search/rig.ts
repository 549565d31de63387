/**
 * The input search's test bench: a simulated kernel of its own with the program's maps, the
 * program loaded without the verifier (as `verify: false` runs it), and a way to run one
 * candidate input in the interpreter, step by step along the verifier's refused path, with the
 * shadow (shadow.ts) recording the path conditions of the run.
 */
import { MapType, PT_REGS, ProgType, bytesToHex, errnoName, hexToBytes } from '../../isa';
import { createDeclaredMaps, loadDeclared, withMapFds } from '../../kernel/loader';
import { Kernel } from '../../kernel/kernel';
import { helperOffered } from '../../kernel/helpers';
import { prepareRun } from '../../kernel/run';
import type { LoadedProg } from '../../kernel/types';
import type { Program } from '../../program';
import { checkProgram, Machine, type StepEvent, type StopReason } from '../../vm';
import { Shadow, type RunModel } from './shadow';
import type { Valuation } from './sym';

/** One candidate input: the frame, the context bytes, and the maps' contents (key hex -> value). */
export interface Candidate {
  packet: Uint8Array | null;
  ctx: Uint8Array | null;
  maps: Map<string, Map<string, Uint8Array>>;
}

/** What one run of a candidate did along the trail. */
export interface Trace {
  /** how many instructions of the trail it followed (trail.length: it ran the refused instruction too) */
  followed: number;
  /** the run's events for the trail's steps it ran (the last one is the refused instruction when followed fully) */
  events: StepEvent[];
  shadow: Shadow;
  /** how the run ended, if it did */
  stop: StopReason | null;
  /** r0..r10 before the last step it ran */
  before: bigint[];
  /** the address of the frame's first byte (0n without a packet) */
  pktBase: bigint;
  /** the kernel refused the input (a frame too short, a ctx_in it does not take) */
  refused?: string;
}

const HASH_TYPES: readonly number[] = [MapType.Hash, MapType.PercpuHash];

export const copyCandidate = (c: Candidate): Candidate => ({
  packet: c.packet?.slice() ?? null,
  ctx: c.ctx?.slice() ?? null,
  maps: new Map([...c.maps].map(([name, m]) => [name, new Map([...m].map(([k, v]) => [k, v.slice()]))])),
});

/** The values a candidate gives the leaves of the shadow's expressions. */
export function valuation(c: Candidate): Valuation {
  return {
    leaf(id: string): bigint {
      if (id === 'len') return BigInt(c.packet?.length ?? 0);
      const [kind, a, b, n] = id.split(':');
      if (kind === 'p') return BigInt(c.packet?.[Number(a)] ?? 0);
      if (kind === 'c') return BigInt(c.ctx?.[Number(a)] ?? 0);
      if (kind === 'm') return BigInt(c.maps.get(a)?.get(b)?.[Number(n)] ?? 0);
      return 0n;
    },
    has: (map, key) => c.maps.get(map)?.has(key) ?? false,
  };
}

export class Rig {
  readonly kernel: Kernel;
  private readonly fds = new Map<string, number>();
  private readonly prog: LoadedProg;
  /** keys the last candidate wrote, per map, so the next starts from the declared contents */
  private readonly written = new Map<string, Set<string>>();
  readonly declared: Candidate['maps'] = new Map();
  readonly mapInfo = new Map<number, { name: string; hash: boolean; maxEntries: number; keySize: number; valueSize: number; userValueSize: number }>();

  private constructor(kernel: Kernel, prog: LoadedProg, fds: Map<string, number>) {
    this.kernel = kernel;
    this.prog = prog;
    this.fds = fds;
  }

  /**
   * A bench for `program` as `progType`: its maps with their `.entry` contents, the program
   * loaded unverified. A string says why it cannot run unverified (the interpreter's own check).
   */
  static build(program: Program, progType: number, seed: number): Rig | string {
    const k = new Kernel({ seed });
    const fds = createDeclaredMaps(k, program);
    if (typeof fds === 'string') return fds;
    const bytes = withMapFds(program, fds);
    const problems = checkProgram(bytes, { hasHelper: (id) => helperOffered(progType, id, true), isMapFd: (fd) => k.mapOfFd(fd) !== undefined });
    if (problems.length) return `the interpreter refuses to run it unverified: ${problems[0].pc !== undefined ? `insn ${problems[0].pc}: ` : ''}${problems[0].message}`;
    k.verifier = undefined;
    const r = loadDeclared(k, program, fds, progType);
    if (!r.ok) return `the kernel refuses to load it unverified: ${errnoName(r.errno)}`;
    const rig = new Rig(k, k.progOfFd(r.value)!, fds);
    for (const m of program.maps) {
      const map = k.mapOfFd(fds.get(m.name)!)!;
      rig.mapInfo.set(map.id, { name: m.name, hash: HASH_TYPES.includes(m.type), maxEntries: m.maxEntries, keySize: m.keySize, valueSize: m.valueSize, userValueSize: map.userValueSize });
      rig.declared.set(m.name, new Map((m.entries ?? []).map((e) => [bytesToHex(e.key), e.value.slice()])));
    }
    return rig;
  }

  /**
   * The context a run gets without ctx_in, as bytes, where those bytes are the program's input
   * (a kprobe's pt_regs, a tracepoint's record); null for packet programs (no ctx_in).
   */
  defaultCtx(): Uint8Array | null {
    const type = this.prog.progType;
    if (type !== ProgType.Kprobe && type !== ProgType.Tracepoint) return null;
    const prep = prepareRun(this.kernel, this.prog, {});
    if (!prep.ok || !prep.regions.ctx) return null;
    // the record starts at the region's origin (a tracepoint's region has bytes below it)
    const ctx = prep.regions.ctx;
    const bytes = ctx.bytes.slice(ctx.origin, type === ProgType.Kprobe ? ctx.origin + PT_REGS.size : undefined);
    prep.dispose();
    return bytes;
  }

  /** Puts the candidate's map contents in place of the last candidate's. */
  private setMaps(c: Candidate): void {
    for (const [name, fd] of this.fds) {
      const map = this.kernel.mapOfFd(fd)!;
      const info = this.mapInfo.get(map.id)!;
      const want = c.maps.get(name) ?? new Map<string, Uint8Array>();
      for (const key of this.written.get(name) ?? []) {
        if (want.has(key)) continue;
        if (info.hash) map.delete(hexToBytes(key)!);
        else map.update(hexToBytes(key)!, new Uint8Array(info.userValueSize), 0n);
      }
      const keys = new Set<string>();
      for (const [key, value] of want) {
        // per-CPU maps: every CPU's copy gets the value
        const v = new Uint8Array(info.userValueSize);
        const stride = info.userValueSize === info.valueSize ? info.valueSize : Math.ceil(info.valueSize / 8) * 8;
        for (let at = 0; at + info.valueSize <= v.length; at += stride) v.set(value.subarray(0, info.valueSize), at);
        if (map.update(hexToBytes(key)!, v, 0n) === 0) keys.add(key);
      }
      this.written.set(name, keys);
    }
  }

  /** Runs `c` along `trail` (the pcs of the refused path, the refused instruction last). */
  run(c: Candidate, trail: readonly number[]): Trace {
    this.setMaps(c);
    const k = this.kernel;
    const prep = prepareRun(k, this.prog, { data: c.packet ?? undefined, ctx: c.ctx ?? undefined });
    const model: RunModel = {
      progType: this.prog.progType,
      dataOff: prep.ok ? (prep.skb?.f.dataOff ?? 0) : 0,
      pktBase: prep.ok && prep.regions.packet ? k.mem.addr(prep.regions.packet) : 0n,
      ctxOrigin: prep.ok ? (prep.regions.ctx?.origin ?? 0) : 0,
      maps: this.mapInfo,
      val: valuation(c),
    };
    const shadow = new Shadow(model);
    if (!prep.ok) return { followed: 0, events: [], shadow, stop: null, before: [], pktBase: 0n, refused: prep.message };
    const m = new Machine(prep.host, this.prog, prep.init, { budget: trail.length + 1 });
    const events: StepEvent[] = [];
    let followed = 0;
    let before: bigint[] = [];
    try {
      while (followed < trail.length) {
        if (m.pc !== trail[followed] || m.progId !== this.prog.id) break;
        before = m.regs();
        const ev = m.step();
        events.push(ev);
        // the shadow stays as it was before the refused instruction: its conditions are about that state
        if (followed < trail.length - 1) shadow.apply(ev, before, followed);
        followed++;
        if (ev.stop) break;
      }
      return { followed, events, shadow, stop: m.stopped, before, pktBase: model.pktBase };
    } finally {
      // undo what the run did to the kernel (map updates), so the next candidate starts clean
      while (m.historyLength > 0 && m.back());
      m.dispose();
      prep.dispose();
    }
  }
}
