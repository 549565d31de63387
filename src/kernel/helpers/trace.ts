/**
 * trace_printk: checks and formats as 4.8 does (printk.ts), appends the record to the kernel's
 * trace_pipe and returns the length of the message. The record's irq-flags column is the program
 * type's (`traceFlags`: a kprobe hit runs with interrupts off; packets arrive in softirq context).
 */
import { isMemFault } from '../../mem';
import { progTypeOps } from '../progtypes';
import { castArgs, checkPrintkFormat, tracePipeLine, TRACE_BUF_SIZE, vsnprintf } from './printk';
import { err, fault, readArg, ret, u32, type HelperEnv, type HelperImpl } from './env';

/** strncpy_from_unsafe into trace_printk's 64-byte buffer: at most 63 characters, stops at a fault. */
function readUnsafeString(env: HelperEnv, addr: bigint, max = 63): string {
  let s = '';
  for (let i = 0; i < max; i++) {
    const b = env.mem.read(addr + BigInt(i), 1);
    if (isMemFault(b) || b[0] === 0) break;
    s += String.fromCharCode(b[0]);
  }
  return s;
}

/**
 * Time one trace_printk takes on the simulated clock: formatting the message and committing its
 * record cost about a microsecond on a 4.8-era machine, so the records of consecutive calls (in
 * one run, across repetitions, across runs) carry stamps that advance, as a real trace's do.
 */
const TRACE_PRINTK_NS = 1000;

export const tracePrintk: HelperImpl = (env, r1, r2, r3, r4, r5) => {
  const size = u32(r2);
  if (size === 0) return err('EINVAL');
  const fmt = readArg(env, r1, size);
  if (isMemFault(fmt)) return fault(fmt);
  if (fmt[size - 1] !== 0) return err('EINVAL');
  const body = fmt.subarray(0, size - 1);
  const plan = checkPrintkFormat(body);
  if (!plan) return err('EINVAL');
  const regs: [bigint, bigint, bigint] = [r3, r4, r5];
  const str = plan.strSlot >= 0 ? readUnsafeString(env, regs[plan.strSlot]) : null;
  const text = String.fromCharCode(...body);
  const msg = vsnprintf(text, castArgs(plan, regs, str), (a) => readUnsafeString(env, a)).slice(0, TRACE_BUF_SIZE - 1);
  const w = env.world;
  const line = tracePipeLine(w.task.comm, w.task.pid, w.cpu, progTypeOps(env.run.progType)?.traceFlags ?? '..s1', w.clockNs, msg);
  env.kernel.traceWrite(line, w.cpu, msg.length);
  w.passTime(TRACE_PRINTK_NS);
  return ret(msg.length, [{ kind: 'trace', line }]);
};
