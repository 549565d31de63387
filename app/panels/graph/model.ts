/**
 * The exploration graph as the pane draws it: one node per basic block, or, collapsed, one node
 * per chain of blocks that follow each other with no other way in or out; edges with what the
 * walk did along them; and the search over blocks by instruction number or text. Pure data, so
 * it is tested without a browser.
 */
import type { ExplorationView, GraphBlock, GraphEdge } from '../../../src/protocol';

export interface GNode {
  id: string;
  /** the blocks it stands for, in order */
  blocks: number[];
  start: number;
  end: number;
  /** visits of its instructions, entries of its first block, entries pruned */
  processed: number;
  entries: number;
  pruned: number;
  unreached: boolean;
  error: boolean;
  onErrorPath: boolean;
  /** the instructions it holds */
  insns: number;
}

interface GEdge {
  id: string;
  source: string;
  target: string;
  kind: GraphEdge['kind'];
  walked: number;
  pushed: number;
  onErrorPath: boolean;
}

export interface GraphModel {
  nodes: GNode[];
  edges: GEdge[];
  /** block id -> node id */
  nodeOf: Map<number, string>;
}

const nodeOfBlocks = (bs: GraphBlock[]): GNode => ({
  id: `b${bs[0].id}`,
  blocks: bs.map((b) => b.id),
  start: bs[0].start,
  end: bs[bs.length - 1].end,
  processed: bs.reduce((n, b) => n + b.processed, 0),
  entries: bs[0].entries,
  pruned: bs.reduce((n, b) => n + b.pruned, 0),
  unreached: bs.every((b) => b.unreached),
  error: bs.some((b) => b.error),
  onErrorPath: bs.some((b) => b.onErrorPath),
  insns: bs.reduce((n, b) => n + b.insns.length, 0),
});

/**
 * The nodes and edges of `x`. Collapsed, a block joins the one before it when that one's only
 * edge leads to it and it has no other edge in (a straight line of code split by a jump target).
 */
export function graphModel(x: ExplorationView, collapse: boolean): GraphModel {
  const outs = new Map<number, GraphEdge[]>();
  const ins = new Map<number, GraphEdge[]>();
  for (const e of x.edges) {
    outs.set(e.from, [...(outs.get(e.from) ?? []), e]);
    ins.set(e.to, [...(ins.get(e.to) ?? []), e]);
  }
  const chains: GraphBlock[][] = [];
  const chainOf = new Map<number, GraphBlock[]>();
  for (const b of x.blocks) {
    const i = ins.get(b.id) ?? [];
    const prev = i.length === 1 ? i[0].from : -1;
    const joinable = collapse && prev >= 0 && prev !== b.id && (outs.get(prev) ?? []).length === 1 && chainOf.has(prev);
    if (joinable) {
      const chain = chainOf.get(prev)!;
      chain.push(b);
      chainOf.set(b.id, chain);
    } else {
      const chain = [b];
      chains.push(chain);
      chainOf.set(b.id, chain);
    }
  }
  const nodes = chains.map(nodeOfBlocks);
  const nodeOf = new Map<number, string>();
  chains.forEach((c, i) => c.forEach((b) => nodeOf.set(b.id, nodes[i].id)));
  const edges: GEdge[] = [];
  for (const e of x.edges) {
    const source = nodeOf.get(e.from)!;
    const target = nodeOf.get(e.to)!;
    if (source === target && chainOf.get(e.from) === chainOf.get(e.to) && e.from !== e.to) continue;
    edges.push({ id: `${e.from}-${e.to}-${e.kind}`, source, target, kind: e.kind, walked: e.walked, pushed: e.pushed, onErrorPath: e.onErrorPath });
  }
  return { nodes, edges, nodeOf };
}

/**
 * Blocks matching a search: `12` (or `pc 12`, `insn 12`) is the block holding instruction 12;
 * other text matches the instructions' text ("call 1", "r0 = *").
 */
export function searchBlocks(x: ExplorationView, query: string): number[] {
  const q = query.trim();
  if (!q) return [];
  const num = /^(?:pc|insn)?\s*(\d+)$/i.exec(q);
  if (num) {
    const pc = Number(num[1]);
    return x.blocks.filter((b) => pc >= b.start && pc <= b.end).map((b) => b.id);
  }
  const needle = q.toLowerCase();
  return x.blocks.filter((b) => b.insns.some((i) => i.text.toLowerCase().includes(needle))).map((b) => b.id);
}

/** The order the walk explored its paths: path 0, then each popped branch by its first visit. */
export function walkOrder(x: ExplorationView): ExplorationView['paths'] {
  return x.paths.filter((p) => p.firstVisit >= 0).sort((a, b) => a.firstVisit - b.firstVisit);
}
