/**
 * `npm run bench -- targets`: issue 11's targets, each with bpflab's figure, the host kernel's
 * and their ratio, measured in this run:
 *   - the 2,020-instruction ALU program and the 150-instruction socket filter with a map lookup,
 *     per run, repeated as run --json's run.repeat repeats (bpflab: CPU time per run, compiled
 *     and interpreted; the kernel: BPF_PROG_TEST_RUN's duration, JIT-compiled);
 *   - a helper call (bpf_map_lookup_elem) in the interpreter;
 *   - replaying a capture of 100,000 64-byte UDP packets through a 30-instruction socket filter,
 *     in Node and in a browser worker (Chromium), against the kernel replaying it one
 *     BPF_PROG_TEST_RUN syscall a packet (bench/kernel-replay.py);
 *   - the interpreter without recording on straight-line ALU code and on the packet parser,
 *     measured first in the process, and again after the other targets (the line under the table).
 * The machine is shared: bpflab's figures are CPU time, best of several rounds (the browser's are
 * wall clock); the replay's line under the table gives every round (the first ones warm V8 up). Prints only.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bytesToHex, ProgType } from '../src/isa';
import { aluProgram, filterProgram, replayFilter, udpFrame } from './programs';
import { replayOnce, udpCapture } from './replay-core';
import { hostRequest } from '../src/session/request-host';
import { cpuNs, kernelRun, loadText, num, perRun, table, type KernelFigure } from './support';
import { VM_CASES, vmRun } from './vm.bench';

const REPLAY_PACKETS = 100_000;
const KERNEL_REPLAY = fileURLToPath(new URL('./kernel-replay.py', import.meta.url));

const ratio = (ours: number, kernel?: number): string => (kernel === undefined ? '' : `${(ours / Math.max(kernel, 1)).toFixed(1)}x`);
const kernelCell = (k: KernelFigure, unit = ''): string => (k.ns === undefined ? `not run: ${k.note}` : `${num(k.ns)}${unit}`);

/** Per-run figures of a program: compiled, interpreted, and the kernel's, with a check that r0 agrees. */
function perRunRows(label: string, text: string, goal: string): string[][] {
  const data = udpFrame(7);
  const { k, prog } = loadText(text, ProgType.SocketFilter);
  const comp = perRun(k, prog, data, 'compiled');
  const interp = perRun(k, prog, data, 'interpreter');
  const kern = kernelRun({ source: text, log_level: 0, run: { data: bytesToHex(data), repeat: 100_000 } });
  const same = kern.retval === undefined ? '' : kern.retval === comp.retval ? '' : ` (retval differs: bpflab ${comp.retval}, kernel ${kern.retval})`;
  return [
    [`${label}, ns/run, compiled`, num(comp.ns), kernelCell(kern), ratio(comp.ns, kern.ns), goal + same],
    [`${label}, ns/run, interpreted`, num(interp.ns), kernelCell(kern), ratio(interp.ns, kern.ns), ''],
  ];
}

/** The interpreter's cost of one bpf_map_lookup_elem: 100 calls against 100 instructions in their place. */
function helperCallNs(): number {
  const body = (call: boolean): string => {
    const lines = ['.type socket_filter', '.map m array key=4 value=8 entries=4', '  *(u32 *)(r10 -4) = 1'];
    for (let i = 0; i < 100; i++) lines.push('  r2 = r10', '  r2 += -4', '  r1 = map[m] ll', call ? '  call bpf_map_lookup_elem' : '  r0 = 0');
    return [...lines, '  r0 = 0', '  exit'].join('\n') + '\n';
  };
  const data = udpFrame(1);
  const withCalls = loadText(body(true), ProgType.SocketFilter);
  const without = loadText(body(false), ProgType.SocketFilter);
  const a = perRun(withCalls.k, withCalls.prog, data, 'interpreter');
  const b = perRun(without.k, without.prog, data, 'interpreter');
  return (a.ns - b.ns) / 100;
}

/** The kernel replaying the capture one test-run syscall a packet: ns a packet, or why not. */
function kernelReplay(): KernelFigure & { syscall?: number } {
  const packets = udpCapture(REPLAY_PACKETS).packets.map((p) => bytesToHex(p.data));
  const req = kernelRunRequest(replayFilter());
  if ('note' in req) return req;
  const r = spawnSync(process.env.BPFLAB_PYTHON || 'python3', [KERNEL_REPLAY], { input: JSON.stringify({ request: req, packets, rounds: 3 }), encoding: 'utf8', maxBuffer: 1 << 26, timeout: 600_000 });
  try {
    const a = JSON.parse(r.stdout) as { available: boolean; why?: string; error?: string; ns_per_packet?: number; syscall_ns?: number };
    if (!a.available) return { note: `no host kernel: ${a.why}` };
    if (a.error) return { note: a.error };
    return { ns: a.ns_per_packet, syscall: a.syscall_ns };
  } catch {
    return { note: `kernel-replay.py failed (exit ${r.status}): ${r.stderr.trim().split('\n').pop()}` };
  }
}

/** The instruction form of a source request, as the oracle takes it (run --json's own lowering). */
function kernelRunRequest(source: string): object | { note: string } {
  const r = hostRequest({ source, log_level: 0 });
  return 'request_error' in r ? { note: r.request_error } : r;
}

/** Replay rounds: each in a fresh kernel (the program loaded and compiled again), the first ones warming V8 up. */
const REPLAY_ROUNDS = 5;

/** Packets a second of each round, in the order run, for the line under the table. */
const perRound = (ms: readonly number[]): string => ms.map((m) => num((REPLAY_PACKETS / m) * 1000)).join(', ');

/** The replay in Node: packets a second (CPU time, best of REPLAY_ROUNDS) and every round's. */
function nodeReplay(): { pps: number; rounds: string; counts: string } {
  const capture = udpCapture(REPLAY_PACKETS);
  const all: number[] = [];
  let counts = '';
  for (let r = 0; r < REPLAY_ROUNDS; r++) {
    const one = replayOnce(capture, () => cpuNs() / 1e6);
    all.push(one.ms);
    counts = one.counts.map((c) => `${c.name} ${c.count}`).join(', ');
  }
  return { pps: (REPLAY_PACKETS / Math.min(...all)) * 1000, rounds: perRound(all), counts };
}

/** The interpreter without recording on the ALU program and the packet parser: M instructions a second. */
function interpreterRuns(): [number, number] {
  const [a, p] = [VM_CASES[0], VM_CASES[1]].map((c) => vmRun(c, 'interpreter'));
  return [(a.n / a.ns) * 1000, (p.n / p.ns) * 1000];
}

/** The replay in a dedicated worker of headless Chromium, served by Vite's dev server. */
async function browserReplay(): Promise<{ pps?: number; rounds?: string; note?: string }> {
  const chromium = process.env.BPFLAB_CHROMIUM ?? '/usr/bin/chromium';
  const { existsSync } = await import('node:fs');
  if (!existsSync(chromium)) return { note: `no Chromium at ${chromium}` };
  const { createServer } = await import('vite');
  const { chromium: pw } = await import('playwright-core');
  const root = fileURLToPath(new URL('..', import.meta.url));
  const server = await createServer({ root, configFile: false, logLevel: 'silent', server: { host: '127.0.0.1', port: 0, strictPort: false } });
  await server.listen();
  const browser = await pw.launch({ executablePath: chromium, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    const addr = server.httpServer!.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    await page.goto(`http://127.0.0.1:${port}/bench/browser/replay.html?packets=${REPLAY_PACKETS}&rounds=${REPLAY_ROUNDS}`);
    const a = (await page.evaluate(() => (window as unknown as { replay: Promise<unknown> }).replay)) as { ms?: number; all?: number[]; error?: string };
    if (a.error || a.ms === undefined) return { note: `the worker failed: ${a.error}` };
    return { pps: (REPLAY_PACKETS / a.ms) * 1000, rounds: perRound(a.all ?? [a.ms]) };
  } finally {
    await browser.close();
    await server.close();
  }
}

export default async function main(): Promise<void> {
  const rows: string[][] = [['target', 'bpflab', 'kernel', 'bpflab/kernel', 'goal']];
  // the interpreter first, in a fresh process, as a benchmark of it alone runs
  const [alu, parser] = interpreterRuns();
  rows.push(...perRunRows('2,020-insn ALU program', aluProgram(2020), 'within 3x of the kernel, and under uBPF JIT\'s 2.4x'));
  rows.push(...perRunRows('150-insn socket filter, one map lookup', filterProgram(), 'within 10x of the kernel'));
  rows.push(['a helper call (map_lookup_elem) in the interpreter, ns', num(helperCallNs()), '', '', 'under 200 ns']);
  const kr = kernelReplay();
  const kpps = kr.ns === undefined ? undefined : 1e9 / kr.ns;
  const kcell = kpps === undefined ? `not run: ${kr.note}` : `${num(kpps)} (one syscall a packet${kr.syscall ? `; the call alone ${num(kr.syscall)} ns` : ''})`;
  const node = nodeReplay();
  const goal = 'at least 1,000,000 and faster than the kernel';
  rows.push([`capture replay, ${num(REPLAY_PACKETS)} x 64-byte UDP, 30-insn filter, packets/s, Node`, num(node.pps), kcell, kpps === undefined ? '' : `${(node.pps / kpps).toFixed(2)}x faster`, goal]);
  // again, after everything else but the browser (whose Vite import detaches an ArrayBuffer: see bench/main.ts)
  const [alu2, parser2] = interpreterRuns();
  const web = await browserReplay();
  rows.push([`  the same in a browser worker (Chromium), packets/s`, web.pps === undefined ? `not run: ${web.note}` : num(web.pps), kpps === undefined ? '' : num(kpps), web.pps === undefined || kpps === undefined ? '' : `${(web.pps / kpps).toFixed(2)}x faster`, goal]);
  rows.push(['interpreter without recording, ALU straight line, M insns/s', num(alu), '', '', 'at least 150']);
  rows.push(['interpreter without recording, packet parser, M insns/s', num(parser), '', '', 'at least 100']);
  table(rows);
  console.log(`(the interpreter's figures are measured first, in a fresh process; again after the other targets but the browser's, where the same code has run many other programs: ALU ${num(alu2)}, packet parser ${num(parser2)} M insns/s)`);
  console.log(`(the replay's verdicts: ${node.counts}; packets/s of its ${REPLAY_ROUNDS} rounds, each in a fresh kernel: Node ${node.rounds}${web.rounds ? `; browser ${web.rounds}` : ''})`);
}
