/**
 * The exploration graph (loaded lazily with elkjs and @xyflow/react): the program's basic blocks
 * laid out top-down, coloured by how much the verifier's walk processed them, the refused path
 * and the refused block in red, pruned entries counted, the edges the walk took labelled with
 * how often and the branches it pushed dashed. Search finds a block by instruction number or
 * text; chains of blocks with no other way in or out collapse into one node; zoom, pan and a
 * minimap keep a 4,000-instruction program usable. Clicking a block shows its instructions with
 * the verifier's states; the walk list shows the paths in the order they were explored.
 */
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { Background, Controls, Handle, MiniMap, Position, ReactFlow, ReactFlowProvider, useReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { ExplorationView, LoadResult } from '../../../src/protocol';
import { actions, selectLoad, selectTheme, useApp } from '../../store';
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH, type Positions } from './layout';
import { graphModel, searchBlocks, walkOrder, type GNode, type GraphModel } from './model';
import { BlockDetails } from './BlockDetails';

type BlockData = Record<string, unknown> & GNode & { heat: number; hit: boolean; selected: boolean; onPath: boolean };

const BlockNode = memo(function BlockNode({ data }: NodeProps<Node<BlockData>>) {
  const cls = ['gblock', data.error ? 'refused' : '', data.onErrorPath ? 'on-error' : '', data.unreached ? 'unreached' : '', data.hit ? 'hit' : '', data.onPath ? 'on-path' : '', data.selected ? 'selected' : ''].join(' ');
  const range = data.start === data.end ? `insn ${data.start}` : `insn ${data.start}–${data.end}`;
  return (
    <div className={cls} style={{ width: NODE_WIDTH, height: NODE_HEIGHT, ['--heat' as string]: data.heat }} data-start={data.start} title={`${range}: ${data.insns} instruction${data.insns === 1 ? '' : 's'}`}>
      <Handle type="target" position={Position.Top} isConnectable={false} className="ghandle" />
      <Handle type="source" position={Position.Bottom} isConnectable={false} className="ghandle" />
      <div className="gblock-head">
        {range}
        {data.blocks.length > 1 ? <span className="muted"> · {data.blocks.length} blocks</span> : null}
        {data.error ? <strong> · refused</strong> : null}
      </div>
      <div className="gblock-stats small">
        {data.unreached ? 'never reached' : `${data.processed} processed · ${data.entries} entr${data.entries === 1 ? 'y' : 'ies'}`}
        {data.pruned ? ` · ${data.pruned} safe` : ''}
      </div>
    </div>
  );
});

const NODE_TYPES = { block: BlockNode };

function edgesOf(m: GraphModel): Edge[] {
  return m.edges.map((e) => ({
    id: e.id,
    source: e.source,
    target: e.target,
    label: e.walked ? `${e.walked}${e.pushed ? ` (${e.pushed} pushed)` : ''}` : undefined,
    className: ['gedge', e.kind, e.onErrorPath ? 'on-error' : '', e.pushed ? 'pushed' : '', e.walked ? '' : 'unwalked'].join(' '),
    animated: e.onErrorPath,
  }));
}

function Flow({ x }: { x: ExplorationView }) {
  const theme = useApp(selectTheme);
  const big = x.blocks.length > 300;
  const [collapse, setCollapse] = useState(big);
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<number | null>(null);
  const [path, setPath] = useState<number | null>(null);
  const [pos, setPos] = useState<{ model: GraphModel; at: Positions } | null>(null);
  const flow = useReactFlow();
  const model = useMemo(() => graphModel(x, collapse), [x, collapse]);
  useEffect(() => {
    let live = true;
    void layoutGraph(model).then((at) => live && setPos({ model, at }));
    return () => {
      live = false;
    };
  }, [model]);
  const hits = useMemo(() => new Set(searchBlocks(x, query)), [x, query]);
  const onPath = useMemo(() => {
    const p = path === null ? undefined : x.paths[path];
    return new Set(p ? p.blocks : []);
  }, [x, path]);
  const maxProcessed = Math.max(1, ...x.blocks.map((b) => b.processed));
  const nodes: Node<BlockData>[] = useMemo(() => {
    if (!pos || pos.model !== model) return [];
    return model.nodes.map((n) => ({
      id: n.id,
      type: 'block',
      position: pos.at.at.get(n.id) ?? { x: 0, y: 0 },
      data: { ...n, heat: n.processed / maxProcessed, hit: n.blocks.some((b) => hits.has(b)), selected: selected !== null && n.blocks.includes(selected), onPath: n.blocks.some((b) => onPath.has(b)) },
    }));
  }, [pos, model, hits, selected, onPath, maxProcessed]);
  const edges = useMemo(() => (pos && pos.model === model ? edgesOf(model) : []), [pos, model]);
  // bring the first match into view
  const first = [...hits][0];
  const centred = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (first === undefined || centred.current === first || !pos) return;
    const at = pos.at.at.get(model.nodeOf.get(first)!);
    if (at) {
      centred.current = first;
      void flow.setCenter(at.x + NODE_WIDTH / 2, at.y + NODE_HEIGHT / 2, { zoom: 1, duration: 0 });
    }
  }, [first, pos, model, flow]);
  const order = useMemo(() => walkOrder(x), [x]);
  return (
    <div className="graph-pane" data-blocks={x.blocks.length} data-ready={pos && pos.model === model ? 'true' : 'false'}>
      <div className="graph-tools">
        <input type="search" aria-label="Find a block by instruction number or text" placeholder="find: 12, call 1, r0 = *…" value={query} onChange={(e) => setQuery(e.target.value)} />
        {query ? <span className="small muted" role="status">{hits.size} block{hits.size === 1 ? '' : 's'}</span> : null}
        <label className="check small">
          <input type="checkbox" checked={collapse} onChange={(e) => setCollapse(e.target.checked)} />
          collapse straight chains
        </label>
        <button type="button" className="btn small" onClick={() => void flow.fitView({ duration: 0 })}>
          Fit
        </button>
        <span className="small muted">
          {x.blocks.length} blocks · {x.processed} insns processed{x.errorTrail.length ? ' · refused path in red' : ''}
        </span>
      </div>
      {x.noWalk ? <p className="pad small">The load stopped before the walk ({x.noWalk}): the graph shows the program, with nothing explored.</p> : null}
      <div className="graph-body">
        <div className="graph-canvas" aria-label="Control-flow graph">
          {!pos || pos.model !== model ? <p className="pad muted">Laying out {model.nodes.length} nodes…</p> : null}
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={NODE_TYPES}
            fitView
            minZoom={0.02}
            maxZoom={1.5}
            colorMode={theme}
            onlyRenderVisibleElements
            nodesDraggable={false}
            nodesConnectable={false}
            edgesFocusable={false}
            onNodeClick={(_, n) => setSelected((n.data as BlockData).blocks[0])}
            proOptions={{ hideAttribution: true }}
          >
            <Background gap={24} />
            <MiniMap pannable zoomable nodeClassName={(n) => ((n.data as BlockData).onErrorPath ? 'mini-error' : 'mini-block')} />
            <Controls showInteractive={false} />
          </ReactFlow>
        </div>
        <aside className="graph-side">
          {selected !== null ? <BlockDetails x={x} block={selected} onClose={() => setSelected(null)} /> : null}
          <h3 className="small">The walk, path by path</h3>
          <ol className="walk-list small" aria-label="Paths in the order the verifier explored them">
            {order.map((p) => (
              <li key={p.id}>
                <button type="button" className={`link${path === p.id ? ' current' : ''}`} onClick={() => setPath(path === p.id ? null : p.id)}>
                  {p.id === 0 ? 'path 0 from insn 0' : `path ${p.id}: popped, from ${p.from} to ${p.to}`} — {p.end === 'pruned' ? 'pruned (safe)' : p.end === 'error' ? 'refused here' : p.end === 'exit' ? 'reached exit' : 'not explored'}
                </button>
              </li>
            ))}
          </ol>
        </aside>
      </div>
    </div>
  );
}

/** The pane's body: fetches the exploration of the current load. */
export default function ExplorationGraph() {
  const load = useApp(selectLoad);
  const [got, setGot] = useState<{ load: LoadResult; x: ExplorationView | null } | null>(null);
  const walked = load?.stage === 'load' && load.analysis !== undefined;
  useEffect(() => {
    if (!load || !walked) return;
    let live = true;
    void actions.exploration().then((v) => live && setGot({ load, x: v ?? null }));
    return () => {
      live = false;
    };
  }, [load, walked]);
  if (!load || !walked) return <p className="muted pad">Load a program (with the verifier on) to see its control-flow graph and how the verifier explored it.</p>;
  if (got?.load !== load) return <p className="muted pad">Reading the verifier's walk…</p>;
  if (!got.x) return <p className="muted pad">The engine gave no graph for this load.</p>;
  return (
    <ReactFlowProvider>
      <Flow x={got.x} />
    </ReactFlowProvider>
  );
}
