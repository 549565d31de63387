/** How a pointer reads in the panels: a region and an offset, the stack as an fp offset. */
import { MAX_BPF_STACK } from '../../src/isa';
import type { PointerView } from '../../src/protocol';

export function pointerText(p: PointerView): string {
  if (p.kind === 'stack') {
    const off = p.offset - MAX_BPF_STACK;
    return off === 0 ? 'fp' : `fp${off}`;
  }
  return p.offset ? `${p.region}+${p.offset}` : p.region;
}

/** Distinct verifier types seen at a pc for one register, joined as alternatives. */
export function typesOf(states: readonly { regs: readonly { reg: number; type: string }[] }[] | undefined, reg: number): string {
  if (!states?.length) return '';
  const seen: string[] = [];
  for (const s of states) {
    const t = s.regs.find((r) => r.reg === reg)?.type ?? '?';
    if (!seen.includes(t)) seen.push(t);
  }
  return seen.join(' | ');
}
