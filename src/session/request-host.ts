/**
 * A `run --json` request as the host kernel's oracle (tools/kernel-oracle.py) takes it: `source`
 * assembled by bpflab's assembler, an `object` read as bpflab reads it, the maps they declare
 * created as the request's maps, their map loads as `map_fixups`, and every other field as given. What only bpflab can do
 * (skip the verifier, load unprivileged, run.mem, run.tracepoint, perf event and cgroup slots)
 * is refused with the reason, never dropped: the host's answer must be to the same question.
 */
import { bytesToHex, slotsToHex } from '../isa';
import { parseRequest, type MapSpec, type Request } from './request-schema';
import { requestPrograms, type ObjectReader } from './request-object';
import { mergeMaps, RequestError, type ReadyProg } from './request-setup';

/** The instruction form of a request: what tools/kernel-oracle.py reads. */
interface HostRequest {
  prog_type?: number;
  insns: string[];
  license: string;
  kern_version: number;
  log_level: number;
  log_size: number;
  maps: HostMap[];
  map_fixups: { insn: number; map: string }[];
  progs: { name: string; insns: string[]; map_fixups: { insn: number; map: string }[]; license: string; kern_version: number }[];
  run?: { data: string; ctx?: string; repeat: number };
}

interface HostMap {
  name: string;
  type: number;
  key_size: number;
  value_size: number;
  max_entries: number;
  flags: number;
  entries: ({ key: string; flags: number } & ({ value: string } | { value_prog: string }))[];
}

/** Why the host kernel cannot be asked this, or null. */
function bpflabOnly(req: Request, maps: MapSpec[]): string | null {
  if (!req.verify) return '"verify": false is bpflab\'s: the host kernel always verifies';
  if (req.unprivileged) return '"unprivileged": true is bpflab\'s: the kernel oracle loads as root';
  if (req.world !== 'test_run') return '"world": "ide" is bpflab\'s: the host kernel runs in its own world (the test run\'s)';
  if (req.run?.mem) return 'run.mem is bpflab\'s (the conformance suites\' buffer): the host\'s test run takes data and ctx';
  if (req.run?.tracepoint) return 'run.tracepoint is bpflab\'s: the host kernel cannot test-run tracepoint programs';
  for (const m of maps) {
    for (const e of m.entries) {
      if (!(e.value instanceof Uint8Array) && !('prog' in e.value)) {
        return `map ${m.name}: perf event and cgroup slots are bpflab's: the kernel oracle opens no perf events or cgroups`;
      }
    }
  }
  return null;
}

function hostMap(m: MapSpec): HostMap {
  return {
    name: m.name,
    type: m.type,
    key_size: m.keySize,
    value_size: m.valueSize,
    max_entries: m.maxEntries,
    flags: m.flags,
    entries: m.entries.map((e) => ({
      key: bytesToHex(e.key),
      flags: e.flags,
      ...(e.value instanceof Uint8Array ? { value: bytesToHex(e.value) } : { value_prog: (e.value as { prog: string }).prog }),
    })),
  };
}

const fixupsOf = (p: ReadyProg) => p.fixups.map((f) => ({ insn: f.insn, map: f.map }));

function lower(req: Request, readObject?: ObjectReader): HostRequest {
  const { main, extra, declared } = requestPrograms(req, readObject);
  const maps = mergeMaps(req.maps, declared);
  const refused = bpflabOnly(req, maps);
  if (refused) throw new RequestError(refused);
  const progType = req.progType ?? main.progType;
  return {
    ...(progType === undefined ? {} : { prog_type: progType }),
    insns: slotsToHex(main.bytes),
    license: main.license ?? 'GPL',
    kern_version: main.kernVersion ?? 0,
    log_level: req.logLevel,
    log_size: req.logSize,
    maps: maps.map(hostMap),
    map_fixups: fixupsOf(main),
    progs: [...extra].map(([name, p]) => ({ name, insns: slotsToHex(p.bytes), map_fixups: fixupsOf(p), license: p.license ?? 'GPL', kern_version: p.kernVersion ?? 0 })),
    ...(req.run
      ? { run: { data: bytesToHex(req.run.data ?? new Uint8Array(0)), ...(req.run.ctx ? { ctx: bytesToHex(req.run.ctx) } : {}), repeat: req.run.repeat } }
      : {}),
  };
}

/** The request in the oracle's instruction form, or the request_error it gets without asking the kernel. */
export function hostRequest(v: unknown, readObject?: ObjectReader): HostRequest | { request_error: string } {
  const req = parseRequest(v);
  if (typeof req === 'string') return { request_error: req };
  try {
    return lower(req, readObject);
  } catch (e) {
    if (e instanceof RequestError) return { request_error: e.message };
    throw e;
  }
}
