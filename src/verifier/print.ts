/**
 * The log's notation for registers and states (4.8's print_verifier_state): ` R<n>=<type>`
 * with the payload each type shows, then ` fp<off>=<type>` for every spilled slot from fp-512
 * up (type name only). Instructions themselves are printed by asm's kernel-log printer.
 */
import type { BpfMap } from '../kernel/types';
import { MAX_BPF_REG, REG_TYPE_STR, RegType, STACK_SLOTS, packetOffOf, packetRangeOf, payloadDecimal, spilled, type VState } from './state';

const { CONST_IMM, CONST_PTR_TO_MAP, NOT_INIT, PTR_TO_MAP_VALUE, PTR_TO_MAP_VALUE_OR_NULL, PTR_TO_PACKET, PTR_TO_STACK, UNKNOWN_VALUE } = RegType;

/**
 * How one register prints after `R<n>=`: `imm-1`, `fp-8`, `inv56`, `pkt(id=0,off=8,r=8)`...,
 * from its type and the two words of its union (a recorded state's words, or a live one's).
 */
export function regText(maps: readonly BpfMap[], type: number, lo: number, hi: number): string {
  const name = REG_TYPE_STR[type];
  switch (type) {
    case CONST_IMM:
    case PTR_TO_STACK:
      return name + payloadDecimal(lo, hi);
    case PTR_TO_PACKET:
      return `${name}(id=${lo >>> 0},off=${packetOffOf(hi)},r=${packetRangeOf(hi)})`;
    case UNKNOWN_VALUE:
      return lo === 0 && hi === 0 ? name : name + payloadDecimal(lo, hi);
    case CONST_PTR_TO_MAP:
    case PTR_TO_MAP_VALUE:
    case PTR_TO_MAP_VALUE_OR_NULL: {
      const m = maps[lo];
      return `${name}(ks=${m.keySize},vs=${m.valueSize})`;
    }
    default:
      return name;
  }
}

/** The state line without its newline: ` R1=ctx R10=fp fp-8=ctx`. */
export function stateLine(maps: readonly BpfMap[], st: VState): string {
  const w = st.w;
  let out = '';
  for (let r = 0; r < MAX_BPF_REG; r++) {
    const t = st.type(r);
    if (t === NOT_INIT) continue;
    out += ` R${r}=${regText(maps, t, w[r * 3 + 1], w[r * 3 + 2])}`;
  }
  for (let slot = 0; slot < STACK_SLOTS; slot++) {
    if (st.isSpilled(slot)) out += ` fp${slot * 8 - 512}=${REG_TYPE_STR[st.type(spilled(slot))]}`;
  }
  return out;
}
