/**
 * Running compiled code: the dispatcher that enters the chunk function of the current slot and
 * follows control from chunk to chunk and program to program (tail calls), handing the few
 * instructions compiled code cannot take to the interpreter: a slot that is not the start of a
 * block (where a step or an earlier run left off), and the last partial block before the limit.
 * The Cpu's state after any run equals the interpreter's after the same number of instructions.
 *
 * With breakpoints (slots of the main program), the main program runs in its form compiled with
 * them as stops (compile.ts), and the dispatcher pauses before one as the interpreter's OP_BREAK
 * does: whenever control is about to run it (the caller has already left the one it stood on).
 */
import { execute } from '../core';
import type { Code } from '../code';
import type { Cpu } from '../cpu';
import { compiled } from './compile';

/** Breakpoints of a run: slots of `main` (the Code whose opcodes the interpreter patches). */
export interface Stops {
  main: Code;
  slots: ReadonlySet<number>;
}

/**
 * The compiled form of `c` for this run. (A module function, not a closure in runCompiled: a
 * closure made on every run costs more than a short run itself under tools that name closures.)
 */
function formOf(c: Code, modern: boolean, stops: Stops | undefined) {
  return compiled(c.bytes, modern, stops !== undefined && c === stops.main ? stops.slots : undefined);
}

/**
 * Runs until the run stops, `limit` instructions (counted from the start of the run) have
 * executed, or (with `stops`) control reaches a breakpoint: then `cpu.atBreakpoint`. Compiled
 * code records as the interpreter does (its stores go through the Cpu's page copy-on-write and
 * journal when they are installed); it builds no step events.
 */
export function runCompiled(cpu: Cpu, limit: number, stops?: Stops): void {
  const modern = cpu.modern;
  let code = cpu.code;
  let prog = formOf(code, modern, stops);
  while (cpu.stop === null && cpu.executed < limit && !cpu.atBreakpoint) {
    if (cpu.code !== code) {
      code = cpu.code;
      prog = formOf(code, modern, stops);
    }
    const pc = cpu.pc;
    if (stops !== undefined && code === stops.main && stops.slots.has(pc)) {
      cpu.atBreakpoint = true;
      return;
    }
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
