/**
 * Running compiled code: the dispatcher that enters the chunk function of the current slot and
 * follows control from chunk to chunk and program to program (tail calls), handing the few
 * instructions compiled code cannot take to the interpreter: a slot that is not the start of a
 * block (where a step or an earlier run left off), and the last partial block before the limit.
 * The Cpu's state after any run equals the interpreter's after the same number of instructions.
 */
import { execute } from '../core';
import type { Cpu } from '../cpu';
import { compiled } from './compile';

/**
 * Runs until the run stops or `limit` instructions (counted from the start of the run) have
 * executed. The Cpu must not be recording (no journal): compiled code keeps no history.
 */
export function runCompiled(cpu: Cpu, limit: number): void {
  const modern = cpu.modern;
  let code = cpu.code;
  let prog = compiled(code.bytes, modern);
  while (cpu.stop === null && cpu.executed < limit) {
    if (cpu.code !== code) {
      code = cpu.code;
      prog = compiled(code.bytes, modern);
    }
    const pc = cpu.pc;
    const c = prog.chunkOf[pc];
    if (c < 0) {
      execute(cpu, 1);
      continue;
    }
    const st = prog.fns[c](cpu, limit, prog.blockOf[pc]);
    if (st === 2) {
      execute(cpu, limit - cpu.executed);
    } else if (st === 1) {
      const s = cpu.stop!;
      // as the interpreter does: a fault names the instruction and program where it happened
      if (s.kind === 'fault') {
        s.pc = cpu.pc;
        s.progId = cpu.code.id;
      }
    }
  }
}
