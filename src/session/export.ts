/**
 * Export: a program as hex slots (the `asm` CLI's format and the requests' `insns`), as raw
 * bytes, as assembly text in the LLVM or ubpf syntax (src/elf's programSource, over src/asm's
 * disassembler), and as a request that both `bpflab run --json` (the simulated 4.8) and
 * `bpflab oracle` (the host kernel, tools/kernel-oracle.py) load and run.
 *
 * Not here: files and downloads (the IDE saves what these return), running the request.
 */
import { programSource, type SourceSyntax } from '../elf';
import { MAP_TYPE_NAMES, PROG_TYPE_NAMES, ProgType, bytesToHex as hex, slotsToHex } from '../isa';
import type { MapDecl, Program } from '../program';

/** One 8-byte slot a line, 16 lowercase hex digits in memory order, as `bpflab asm` prints. */
export function exportHex(p: Pick<Program, 'bytes'>): string {
  return slotsToHex(p.bytes).map((s) => `${s}\n`).join('');
}

/** The instruction bytes as bpf(2) receives them (map loads with imm 0), a copy. */
export function exportBytes(p: Pick<Program, 'bytes'>): Uint8Array {
  return p.bytes.slice();
}

/**
 * The program as assembly text in the LLVM or ubpf syntax: directives, `.map` and `.entry`
 * lines, then the instructions with labelled jumps; `bpflab asm` turns it back into the same
 * bytes. `header` lines become `;` comments at the top.
 */
export function exportText(p: Program, syntax: SourceSyntax, header: readonly string[] = []): string {
  return programSource(p, syntax, header);
}

/** A map of a request, as kernel-oracle reads it. */
interface RequestMap {
  name: string;
  type: string | number;
  key_size: number;
  value_size: number;
  max_entries: number;
  flags: number;
  /** values as MAP_LOOKUP_ELEM copies them (per-CPU: round_up(value_size, 8) per CPU; shorter ones are zero-padded) */
  entries: { key: string; value: string }[];
}

/** The request shape of `bpflab run --json` and of the kernel oracle (tools/kernel-oracle.py). */
export interface RunRequest {
  prog_type: string | number;
  insns: string[];
  license: string;
  log_level: number;
  log_size: number;
  kern_version?: number;
  maps: RequestMap[];
  /** ld_imm64 slots that get a map's fd */
  map_fixups: { insn: number; map: string }[];
  /** bpflab's addition (kernel-oracle always loads as root): load without CAP_SYS_ADMIN */
  unprivileged?: boolean;
  run?: { data: string; ctx?: string; repeat?: number; tracepoint?: string };
}

/** What a request needs beyond the program; the program's directives win where they are set. */
interface RequestOptions {
  /** enum bpf_prog_type when the program has no `.type` (default socket_filter) */
  progType?: number;
  /** when the program has no `.license` (default "GPL") */
  license?: string;
  /** when the program has no `.kern_version` (omitted when neither is set) */
  kernVersion?: number;
  /** default 1 */
  logLevel?: number;
  /** default 1 MiB */
  logSize?: number;
  /** the maps with their current contents (default: the program's declarations and entries) */
  maps?: readonly MapDecl[];
  /** false adds bpflab's `unprivileged: true` (default: privileged, as kernel-oracle loads) */
  privileged?: boolean;
  /** a run with BPF_PROG_TEST_RUN: the packet, the ctx (ctx_in), repeat, and for tracepoints which one */
  run?: { packet?: Uint8Array; ctx?: Uint8Array; repeat?: number; tracepoint?: string };
}

const named = (table: Record<number, string>, n: number): string | number => table[n] ?? n;

function requestMap(m: MapDecl): RequestMap {
  return {
    name: m.name,
    type: named(MAP_TYPE_NAMES, m.type),
    key_size: m.keySize,
    value_size: m.valueSize,
    max_entries: m.maxEntries,
    flags: m.flags,
    entries: (m.entries ?? []).map((e) => ({ key: hex(e.key), value: hex(e.value) })),
  };
}

/** The program as a kernel-oracle request (load, and a test run when `opts.run` is given). */
export function exportRequest(p: Program, opts: RequestOptions = {}): RunRequest {
  const d = p.directives;
  const progType = d.progType ?? opts.progType ?? ProgType.SocketFilter;
  const kernVersion = d.kernVersion ?? opts.kernVersion;
  const req: RunRequest = {
    prog_type: named(PROG_TYPE_NAMES, progType),
    insns: slotsToHex(p.bytes),
    license: d.license ?? opts.license ?? 'GPL',
    log_level: opts.logLevel ?? 1,
    log_size: opts.logSize ?? 1 << 20,
    ...(kernVersion === undefined ? {} : { kern_version: kernVersion }),
    maps: (opts.maps ?? p.maps).map(requestMap),
    map_fixups: p.mapRefs.map((r) => ({ insn: r.pc, map: r.map })),
  };
  if (opts.privileged === false) req.unprivileged = true;
  if (opts.run) {
    const { packet, ctx, repeat, tracepoint } = opts.run;
    req.run = { data: hex(packet ?? new Uint8Array(0)) };
    if (ctx) req.run.ctx = hex(ctx);
    if (repeat !== undefined) req.run.repeat = repeat;
    if (tracepoint !== undefined) req.run.tracepoint = tracepoint;
  }
  return req;
}

/** The request as the JSON text of a request file (one object, two-space indented). */
export function exportRequestJson(p: Program, opts: RequestOptions = {}): string {
  return `${JSON.stringify(exportRequest(p, opts), null, 2)}\n`;
}
