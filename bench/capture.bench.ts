/**
 * `npm run bench -- capture`: replaying a packet capture through a loaded program, as the IDE's
 * "Open capture" does (one BPF_PROG_TEST_RUN a packet on the fast VM path): packets per second
 * and microseconds per packet for an XDP parser and a socket filter counting into a map.
 * Times are CPU time, best of a few rounds. Prints only.
 */
import { ProgType } from '../src/isa';
import { Kernel } from '../src/kernel/kernel';
import type { Capture, Packet } from '../src/pcap';
import { CaptureReplayer } from '../src/session/capture';
import { loadProgram } from '../src/session/load';
import { DEFAULT_SETTINGS } from '../src/protocol';
import { progLoad } from '../src/verifier';

const XDP = `
.type xdp
  r2 = *(u32 *)(r1 +0)
  r3 = *(u32 *)(r1 +4)
  r4 = r2
  r4 += 34
  if r4 > r3 goto pass
  r5 = *(u8 *)(r2 +23)            ; IPv4 protocol
  if r5 == 17 goto drop
pass:
  r0 = 2
  exit
drop:
  r0 = 1
  exit
`;

const COUNTER = `
.type socket_filter
.map counts array key=4 value=8 entries=256
  r6 = r1
  r0 = *(u8 *)skb[9]              ; IPv4 protocol (socket filters see the network header)
  *(u32 *)(r10 -4) = r0
  r2 = r10
  r2 += -4
  r1 = map[counts] ll
  call bpf_map_lookup_elem
  if r0 == 0 goto out
  r1 = 1
  lock *(u64 *)(r0 +0) += r1
out:
  r0 = -1
  exit
`;

function frame(i: number): Uint8Array {
  const f = new Uint8Array(64);
  f.set([0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00, 0x45, 0, 0, 50]);
  f[23] = i % 3 === 0 ? 17 : 6;
  return f;
}

function capture(n: number): Capture {
  const packets: Packet[] = [];
  for (let i = 0; i < n; i++) packets.push({ index: i, timestampNs: BigInt(i) * 1000n, data: frame(i), originalLength: 64, linkType: 1 });
  return { format: 'pcap', packets, warnings: [] };
}

/** Loads `text` as the IDE's Load does. */
function load(k: Kernel, text: string) {
  const { result, loaded } = loadProgram(k, { text, syntax: 'auto', progType: ProgType.SocketFilter, logLevel: 0, logSize: 0, privileged: true }, null);
  if (!result.ok || loaded?.progFd == null) throw new Error(`load: ${result.errnoName}\n${result.diagnostics.map((d) => d.message).join('\n')}`);
  return k.progOfFd(loaded.progFd)!;
}

function cpuMs(f: () => void): number {
  const t = process.cpuUsage();
  f();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
}

export default function bench(): void {
  const n = 20_000;
  const cap = capture(n);
  console.log(`| program | packets | best CPU ms | µs per packet | packets/s |`);
  console.log(`|---|---|---|---|---|`);
  for (const [name, source] of [['XDP parser', XDP], ['socket filter + map', COUNTER]] as const) {
    let best = Infinity;
    for (let round = 0; round < 3; round++) {
      const k = new Kernel({ verifier: progLoad });
      const prog = load(k, source);
      const replay = new CaptureReplayer(k, prog, cap, undefined, DEFAULT_SETTINGS);
      best = Math.min(best, cpuMs(() => replay.slice(1e9)));
      replay.dispose();
    }
    const us = (best * 1000) / n;
    console.log(`| ${name} | ${n} | ${best.toFixed(1)} | ${us.toFixed(2)} | ${Math.round(1e6 / us).toLocaleString('en')} |`);
  }
}
