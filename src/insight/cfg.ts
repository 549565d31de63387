/**
 * The control-flow graph of a program: basic blocks (a leader at slot 0, at every jump target
 * and after every jump or exit) and the edges between them. Calls do not end a block: they
 * return. Targets outside the program (a program the CFG check refuses) get no edge.
 */
import { decodeProgram, type Insn } from '../isa';

interface Block {
  id: number;
  /** first slot and last slot (an ld_imm64 ends at its second slot) */
  start: number;
  end: number;
  /** slots of its instructions, in order */
  pcs: number[];
}

interface Edge {
  from: number;
  to: number;
  kind: 'fall' | 'taken' | 'jump';
}

interface Cfg {
  blocks: Block[];
  edges: Edge[];
  /** for each slot, the block holding it (-1 for none: past the end) */
  blockOf: Int32Array;
  /** the decoded instructions by their first slot */
  insnAt: (Insn | undefined)[];
}

function successors(insn: Insn, pc: number): { to: number; kind: Edge['kind'] }[] {
  const next = pc + insn.slots;
  switch (insn.kind) {
    case 'exit':
      return [];
    case 'ja':
      return [{ to: pc + 1 + (insn.long ? insn.imm : insn.off), kind: 'jump' }];
    case 'jcond':
      return [
        { to: next, kind: 'fall' },
        { to: pc + 1 + insn.off, kind: 'taken' },
      ];
    default:
      return [{ to: next, kind: 'fall' }];
  }
}

const endsBlock = (insn: Insn): boolean => insn.kind === 'exit' || insn.kind === 'ja' || insn.kind === 'jcond';

/** Builds the graph of the program in `bytes` (8 bytes a slot). */
export function buildCfg(bytes: Uint8Array): Cfg {
  const n = bytes.length >> 3;
  const { insns, pcs } = decodeProgram(bytes);
  const insnAt: (Insn | undefined)[] = new Array(n);
  pcs.forEach((pc, i) => (insnAt[pc] = insns[i]));
  const leader = new Uint8Array(n + 1);
  if (n) leader[0] = 1;
  pcs.forEach((pc, i) => {
    const insn = insns[i];
    if (!endsBlock(insn)) return;
    if (pc + insn.slots < n) leader[pc + insn.slots] = 1;
    for (const s of successors(insn, pc)) if (s.to >= 0 && s.to < n && insnAt[s.to]) leader[s.to] = 1;
  });
  const blocks: Block[] = [];
  const blockOf = new Int32Array(n).fill(-1);
  pcs.forEach((pc, i) => {
    if (leader[pc] || !blocks.length) blocks.push({ id: blocks.length, start: pc, end: pc, pcs: [] });
    const b = blocks[blocks.length - 1];
    b.pcs.push(pc);
    b.end = pc + insns[i].slots - 1;
    for (let s = pc; s <= b.end && s < n; s++) blockOf[s] = b.id;
  });
  const edges: Edge[] = [];
  for (const b of blocks) {
    const last = b.pcs[b.pcs.length - 1];
    for (const s of successors(insnAt[last]!, last)) {
      if (s.to < 0 || s.to >= n || !insnAt[s.to]) continue;
      edges.push({ from: b.id, to: blockOf[s.to], kind: s.kind });
    }
  }
  return { blocks, edges, blockOf, insnAt };
}
