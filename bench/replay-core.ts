/**
 * The capture replay of issue 11's target, as the IDE's "Open capture" runs it (CaptureReplayer:
 * one BPF_PROG_TEST_RUN a packet), in a form that runs both in Node and in a browser worker
 * (bench/browser/replay-worker.ts): no Node APIs here. The clock is the caller's.
 */
import { ProgType } from '../src/isa';
import { Kernel } from '../src/kernel/kernel';
import type { Capture, Packet } from '../src/pcap';
import { DEFAULT_SETTINGS } from '../src/protocol';
import { CaptureReplayer } from '../src/session/capture';
import { loadProgram } from '../src/session/load';
import { progLoad } from '../src/verifier';
import { replayFilter, udpFrame } from './programs';

/** `n` 64-byte UDP frames as a capture. */
export function udpCapture(n: number): Capture {
  const packets: Packet[] = [];
  for (let i = 0; i < n; i++) packets.push({ index: i, timestampNs: BigInt(i) * 1000n, data: udpFrame(i), originalLength: 64, linkType: 1 });
  return { format: 'pcap', packets, warnings: [] };
}

/** One replay of `capture` through `source` in a fresh kernel; `clock()` in ms. Returns ms and the verdict counts. */
export function replayOnce(capture: Capture, clock: () => number, source = replayFilter()): { ms: number; counts: { name: string; count: number }[] } {
  const k = new Kernel({ verifier: progLoad });
  const { result, loaded } = loadProgram(k, { text: source, syntax: 'auto', progType: ProgType.SocketFilter, logLevel: 0, logSize: 0, privileged: true }, null);
  if (!result.ok || loaded?.progFd == null) throw new Error(`load: ${result.errnoName}`);
  const replay = new CaptureReplayer(k, k.progOfFd(loaded.progFd)!, capture, undefined, DEFAULT_SETTINGS);
  const t0 = clock();
  replay.slice(1e12);
  const ms = clock() - t0;
  const counts = replay.result(false).counts;
  replay.dispose();
  return { ms, counts };
}
