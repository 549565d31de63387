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
import { compiled, type Compiled } from './compile';

/**
 * The main program of a run in compiled form, as its Machine looks it up once (per machine, and
 * per set of breakpoints): a capture replay's thousands of runs look nothing up. `stops`: the
 * breakpoints (slots of `code`, the Code whose opcodes the interpreter patches) `form` was
 * compiled with.
 */
export interface MainForm {
  code: Code;
  form: Compiled;
  stops?: ReadonlySet<number>;
}

/**
 * Runs until the run stops, `limit` instructions (counted from the start of the run) have
 * executed, or (with `main.stops`) control reaches a breakpoint: then `cpu.atBreakpoint`. Other
 * programs (tail calls) run in their plain compiled form. Compiled code records as the
 * interpreter does (its stores go through the Cpu's page copy-on-write and journal when they are
 * installed); it builds no step events.
 */
export function runCompiled(cpu: Cpu, limit: number, main: MainForm): void {
  const stops = main.stops;
  cpu.forgetPlain(); // memory may have changed since the last slice
  let code = cpu.code;
  let prog = code === main.code ? main.form : compiled(code.bytes, cpu.modern);
  while (cpu.stop === null && cpu.executed < limit && !cpu.atBreakpoint) {
    if (cpu.code !== code) {
      code = cpu.code;
      prog = code === main.code ? main.form : compiled(code.bytes, cpu.modern);
    }
    const pc = cpu.pc;
    if (stops !== undefined && code === main.code && stops.has(pc)) {
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
