/**
 * Lays the exploration graph out with ELK's layered algorithm (elkjs), in a web worker of its
 * own so that a graph of thousands of blocks never freezes the page. Loaded with the graph pane
 * only.
 */
import ELK, { type ElkNode } from 'elkjs/lib/elk-api.js';
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';
import type { GraphModel } from './model';

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 46;

export interface Positions {
  /** node id -> top-left corner */
  at: Map<string, { x: number; y: number }>;
  width: number;
  height: number;
}

let elk: InstanceType<typeof ELK> | null = null;

function engine(): InstanceType<typeof ELK> {
  elk ??= new ELK({ workerUrl: elkWorkerUrl, workerFactory: (url?: string) => new Worker(url ?? elkWorkerUrl) });
  return elk;
}

/** Top-down layered positions for the model's nodes (edges follow the program's order). */
export async function layoutGraph(m: GraphModel): Promise<Positions> {
  const graph: ElkNode = await engine().layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '36',
      'elk.spacing.nodeNode': '24',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
      'elk.layered.thoroughness': m.nodes.length > 500 ? '1' : '7',
    },
    children: m.nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: m.edges.filter((e) => e.source !== e.target).map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  const at = new Map<string, { x: number; y: number }>();
  for (const c of graph.children ?? []) at.set(c.id, { x: c.x ?? 0, y: c.y ?? 0 });
  return { at, width: graph.width ?? 0, height: graph.height ?? 0 };
}
