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

/** What the verifier's states at a pc say about one thing, the distinct answers joined as alternatives. */
export function alternatives<S>(states: readonly S[] | undefined, what: (s: S) => string): string {
  return states?.length ? [...new Set(states.map(what))].join(' | ') : '';
}

/** Distinct verifier types seen at a pc for one register ('?' where it is not initialised). */
export const typesOf = (states: readonly { regs: readonly { reg: number; type: string }[] }[] | undefined, reg: number): string =>
  alternatives(states, (s) => s.regs.find((r) => r.reg === reg)?.type ?? '?');
