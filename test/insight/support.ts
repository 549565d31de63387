/**
 * Test support for insight: a program in bpflab's assembly, verified by the 4.8 verifier with
 * its analysis (maps created in a simulated kernel, as a Load creates them).
 */
import { assemble } from '../../src/asm';
import { decodeSlots, ProgType, type Insn } from '../../src/isa';
import { Kernel } from '../../src/kernel/kernel';
import type { Program } from '../../src/program';
import { createMap, withMapFds } from '../../src/session/setup';
import { verify, type VerifierAnalysis } from '../../src/verifier';

export interface Analyzed {
  program: Program;
  analysis: VerifierAnalysis;
  slots: Insn[];
  log: string;
  ok: boolean;
}

/** Assembles `text` and verifies it (privileged unless said, a socket filter unless `.type` says). */
export function analyze(text: string, opts: { privileged?: boolean; stateLimit?: number } = {}): Analyzed {
  const asm = assemble(text);
  if (!asm.ok) throw new Error(`does not assemble: ${asm.diagnostics.map((d) => `${d.line}: ${d.message}`).join('; ')}`);
  const p = asm.program;
  const k = new Kernel({ seed: 1 });
  const fds = new Map<string, number>();
  for (const m of p.maps) {
    const r = createMap(k, m);
    if (!r.ok) throw new Error(`map ${m.name}: errno ${r.errno}`);
    fds.set(m.name, r.value);
  }
  const v = verify(
    {
      progType: p.directives.progType ?? ProgType.SocketFilter,
      bytes: withMapFds(p, fds),
      license: p.directives.license ?? 'GPL',
      logLevel: 1,
      logSize: 1 << 20,
      logBuf: true,
      kernVersion: p.directives.kernVersion ?? 0x040800,
      privileged: opts.privileged ?? true,
      resolveMapFd: (fd) => k.mapOfFd(fd) ?? 'EBADF',
    },
    { stateLimit: opts.stateLimit },
  );
  return { program: p, analysis: v.analysis!, slots: decodeSlots(p.bytes), log: v.log, ok: v.ok };
}

/** The visits of slot `pc`, in walk order. */
export const visitsAt = (a: VerifierAnalysis, pc: number): number[] => a.visitsByPc[pc] ?? [];
