/**
 * The history that makes stepping back exact, kept compact so that every step of the longest
 * legal run (4095 instructions x 33 programs, about 135k steps) costs a few dozen bytes:
 *
 *   per step   pc, program, journal mark, start of its register entries   (4 x Int32)
 *   per change register number and its old halves                        (3 x Int32)
 *
 * Memory bytes, frames, mapped regions and everything the kernel changes during a helper call
 * are undone through the Journal (closures pushed while recording); registers are diffed here
 * against a snapshot taken before the step, which covers every way an instruction writes them.
 */
import { Journal } from '../mem';
import type { Code } from './code';
import type { Cpu } from './cpu';

/** r0..r10 */
const NREGS = 11;

function grow(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

export class History {
  readonly journal = new Journal();
  /** steps recorded */
  length = 0;
  private steps = new Int32Array(4 * 1024);
  private regLog = new Int32Array(3 * 1024);
  private regLen = 0;
  private readonly codes: Code[] = [];
  private readonly snapL = new Int32Array(NREGS);
  private readonly snapH = new Int32Array(NREGS);

  private codeIndex(c: Code): number {
    let k = this.codes.indexOf(c);
    if (k < 0) k = this.codes.push(c) - 1;
    return k;
  }

  /** Call before running one instruction with `cpu.journal` set to this journal. */
  begin(cpu: Cpu): void {
    const k = this.length * 4;
    this.steps = grow(this.steps, k + 4);
    const st = this.steps;
    st[k] = cpu.pc;
    st[k + 1] = this.codeIndex(cpu.code);
    st[k + 2] = this.journal.mark();
    st[k + 3] = this.regLen;
    this.snapL.set(cpu.L.subarray(0, NREGS));
    this.snapH.set(cpu.H.subarray(0, NREGS));
  }

  /** Call after the instruction: logs the registers it changed. */
  end(cpu: Cpu): void {
    const L = cpu.L;
    const H = cpu.H;
    for (let r = 0; r < NREGS; r++) {
      if (L[r] !== this.snapL[r] || H[r] !== this.snapH[r]) {
        this.regLog = grow(this.regLog, this.regLen + 3);
        this.regLog[this.regLen++] = r;
        this.regLog[this.regLen++] = this.snapL[r];
        this.regLog[this.regLen++] = this.snapH[r];
      }
    }
    this.length++;
  }

  /** The registers changed by the last recorded step, as [reg, oldLo, oldHi] triples. */
  lastRegChanges(): Int32Array {
    return this.regLog.subarray(this.steps[(this.length - 1) * 4 + 3], this.regLen);
  }

  /** Undoes the last recorded step on `cpu`; false when there is none. */
  undo(cpu: Cpu): boolean {
    if (this.length === 0) return false;
    const k = --this.length * 4;
    const st = this.steps;
    const mem = cpu.mem;
    const saved = mem.journal;
    mem.journal = null;
    cpu.journal = null;
    this.journal.rewindTo(st[k + 2]);
    mem.journal = saved;
    const from = st[k + 3];
    for (let e = this.regLen - 3; e >= from; e -= 3) {
      const r = this.regLog[e];
      cpu.L[r] = this.regLog[e + 1];
      cpu.H[r] = this.regLog[e + 2];
    }
    this.regLen = from;
    cpu.pc = st[k];
    cpu.code = this.codes[st[k + 1]];
    cpu.executed--;
    cpu.stop = null;
    return true;
  }

  /** Forgets every step (after an unrecorded run the old steps no longer lead here). */
  clear(): void {
    if (this.length === 0 && this.journal.size === 0) return;
    this.length = 0;
    this.regLen = 0;
    this.journal.clear();
  }

  /** Approximate bytes held, for the benchmark and the docs. */
  get bytes(): number {
    return this.steps.byteLength + this.regLog.byteLength;
  }
}
