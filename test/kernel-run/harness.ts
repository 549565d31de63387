/** Drives the run builder and its helpers directly, with the fakes: call a helper, look at memory. */
import { isMemFault } from '../../src/mem';
import { prepareRun, type PreparedRun, type RunInput, type RunRefused } from '../../src/kernel/run';
import type { HelperOutcome } from '../../src/kernel/types';
import type { Kernel } from '../../src/kernel/kernel';
import { kernel, loadedProg } from '../support/kernel';

/** Prepares a run of a freshly loaded program of `progType` (refusals included). */
export function tryPrepare(progType: number, input: RunInput, k = kernel()): PreparedRun | RunRefused {
  return prepareRun(k, loadedProg(k, progType).prog, input);
}

/** A world state the tests rely on: task curl 4242/4200 in /app/web, uid 1000, gid 100, CPU 1 of 2. */
export function setWorld(k: Kernel): void {
  k.world.task = { pid: 4242, tgid: 4200, uid: 1000, gid: 100, comm: 'curl', cgroup: '/sys/fs/cgroup/app/web' };
  k.world.cpu = 1;
}

/** The register value of a negative errno. */
export const neg = (errno: number): bigint => BigInt.asUintN(64, BigInt(-errno));

interface Harness {
  k: Kernel;
  run: PreparedRun;
  ctx: bigint;
  fp: bigint;
  /** writes bytes at fp - off and returns their address */
  put(off: number, bytes: Uint8Array | number[]): bigint;
  /** reads memory (throws on a fault: a test bug) */
  get(addr: bigint, len: number): Uint8Array;
  call(id: number, ...args: (bigint | number)[]): HelperOutcome;
  /** r0 of a helper call that must return */
  r0(id: number, ...args: (bigint | number)[]): bigint;
}

export function harness(progType: number, input: RunInput = {}, k = kernel(), privileged = true): Harness {
  setWorld(k);
  k.privileged = privileged;
  const run = prepareRun(k, loadedProg(k, progType).prog, input);
  k.privileged = true;
  if (!run.ok) throw new Error(`run refused: ${run.error} ${run.message}`);
  const fp = run.init.r10;
  const h: Harness = {
    k,
    run,
    ctx: run.init.r1,
    fp,
    put(off, bytes) {
      const addr = fp - BigInt(off);
      const f = k.mem.write(addr, Uint8Array.from(bytes));
      if (f) throw new Error(`put: ${JSON.stringify(f, (_, v) => (typeof v === 'bigint' ? v.toString(16) : v))}`);
      return addr;
    },
    get(addr, len) {
      const b = k.mem.read(addr, len);
      if (isMemFault(b)) throw new Error('get: fault');
      return b;
    },
    call(id, ...args) {
      const a = [...args.map((x) => BigInt.asUintN(64, BigInt(x))), 0n, 0n, 0n, 0n, 0n];
      return run.host.callHelper(id, a[0], a[1], a[2], a[3], a[4], 0, 0);
    },
    r0(id, ...args) {
      const out = h.call(id, ...args);
      if (out.kind !== 'ret') throw new Error(`helper ${id} did not return: ${JSON.stringify(out, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
      return out.r0;
    },
  };
  return h;
}
