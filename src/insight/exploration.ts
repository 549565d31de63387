/**
 * The verifier's exploration over the control-flow graph: how often the walk entered and
 * processed each block, which entries were pruned, the edges it walked and the branches it
 * pushed along them, the blocks of each path in order, and the refused path from instruction 0
 * to the error. Plain data for the graph pane.
 */
import { kernelInsnText } from '../asm';
import type { ExplorationView, GraphBlock, GraphEdge, WalkPath } from '../protocol';
import type { VerifierAnalysis } from '../verifier';
import { buildCfg } from './cfg';
import { errorVisit, trailOf } from './trail';

const edgeKey = (from: number, to: number, kind: string): string => `${from}>${to}>${kind}`;

/** The graph of `bytes` (the program as loaded) with the walk of `a` over it; `textOf` may name an instruction better than the log (a map by name). */
export function exploration(a: VerifierAnalysis, bytes: Uint8Array, textOf?: (pc: number) => string | undefined): ExplorationView {
  const cfg = buildCfg(bytes);
  const blocks: GraphBlock[] = cfg.blocks.map((b) => ({
    id: b.id,
    start: b.start,
    end: b.end,
    insns: b.pcs.map((pc) => ({ pc, text: textOf?.(pc) ?? kernelInsnText(cfg.insnAt[pc]!) })),
    entries: 0,
    processed: 0,
    pruned: 0,
    firstVisit: -1,
    unreached: true,
    error: false,
    onErrorPath: false,
  }));
  const edges: GraphEdge[] = cfg.edges.map((e) => ({ ...e, walked: 0, pushed: 0, onErrorPath: false }));
  const byKey = new Map(edges.map((e) => [edgeKey(e.from, e.to, e.kind), e]));
  /** the edge from the block ending at `fromPc` into the block starting at `toPc` */
  const edgeOf = (fromPc: number, toPc: number): GraphEdge | undefined => {
    const from = cfg.blockOf[fromPc];
    const to = cfg.blockOf[toPc];
    if (from < 0 || to < 0 || blocks[to].start !== toPc) return undefined;
    for (const kind of ['taken', 'jump', 'fall']) {
      const e = byKey.get(edgeKey(from, to, kind));
      if (e) return e;
    }
    return undefined;
  };
  const paths: WalkPath[] = a.paths.map((p) => ({ id: p.id, parent: p.parent, from: p.from, to: p.to, end: p.end, blocks: [], firstVisit: p.firstVisit }));
  const view: ExplorationView = { blocks, edges, paths, processed: a.processed, errorTrail: [] };
  if (a.stage !== 'walk') {
    view.noWalk = a.error?.message ?? `the load stopped at the ${a.stage} stage`;
    return view;
  }
  a.visits.forEach((v, i) => {
    const id = cfg.blockOf[v.pc];
    if (id < 0) return;
    const b = blocks[id];
    b.processed++;
    b.unreached = false;
    if (b.firstVisit < 0) b.firstVisit = i;
    if (v.prunedBy !== undefined) {
      b.pruned++;
      paths[v.path].prunedBy = v.prunedBy;
    }
    if (v.pc === b.start) {
      b.entries++;
      paths[v.path].blocks.push(id);
    }
    // the walk went from the previous visit of this path, or from the jump that pushed it
    const p = a.paths[v.path];
    const prevPc = p.firstVisit === i ? (p.parent >= 0 ? p.from : -1) : a.visits[i - 1].pc;
    if (prevPc >= 0 && v.pc === b.start) {
      const e = edgeOf(prevPc, v.pc);
      if (e) e.walked++;
    }
  });
  for (const p of a.paths) {
    if (p.parent < 0) continue;
    const e = edgeOf(p.from, p.to);
    if (e) e.pushed++;
  }
  if (a.error?.pc !== null && a.error?.pc !== undefined) {
    view.errorPc = a.error.pc;
    const id = cfg.blockOf[a.error.pc];
    if (id >= 0) blocks[id].error = true;
  }
  const ev = errorVisit(a);
  if (ev !== undefined) {
    const trail = trailOf(a, ev).map((v) => a.visits[v].pc);
    trail.forEach((pc, i) => {
      const id = cfg.blockOf[pc];
      if (id < 0) return;
      if (pc === blocks[id].start) view.errorTrail.push(id);
      blocks[id].onErrorPath = true;
      if (i > 0) {
        const e = edgeOf(trail[i - 1], pc);
        if (e) e.onErrorPath = true;
      }
    });
  }
  return view;
}
