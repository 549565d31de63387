/**
 * One block of the exploration graph opened: its instructions, each with the states the
 * verifier had before it (one per visit, with its path), and what the walk did there. Clicking
 * an instruction shows it in the editor; clicking a state shows it in the registers and stack
 * panels.
 */
import { statesAt, type ExplorationView } from '../../../src/protocol';
import { actions, selectLoad, useApp } from '../../store';

export function BlockDetails({ x, block, onClose }: { x: ExplorationView; block: number; onClose: () => void }) {
  const load = useApp(selectLoad);
  const b = x.blocks[block];
  return (
    <section className="block-details" aria-label={`Block at instruction ${b.start}`}>
      <div className="dialog-head">
        <h3 className="small">
          Block {b.start === b.end ? `insn ${b.start}` : `insn ${b.start}–${b.end}`}
        </h3>
        <button type="button" className="btn small" aria-label="Close the block" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="small muted">
        {b.unreached ? 'The walk never reached it.' : `Entered ${b.entries} time${b.entries === 1 ? '' : 's'}, ${b.processed} instructions processed${b.pruned ? `, ${b.pruned} entr${b.pruned === 1 ? 'y' : 'ies'} pruned as equal to a state already explored` : ''}.`}
        {b.error ? ' The verifier refused the program here.' : ''}
      </p>
      <ol className="block-insns mono small">
        {b.insns.map((i) => (
          <li key={i.pc}>
            <button type="button" className="link" onClick={() => actions.revealPc(i.pc)}>
              {i.pc}: {i.text}
            </button>
            <ul>
              {statesAt(load?.analysis, i.pc).map((s) => (
                <li key={s.order}>
                  <button type="button" className="link state-link" title="Show this state in the registers and stack panels" onClick={() => actions.inspectVisit(s.order)}>
                    path {s.path}: {s.regs.map((r) => `R${r.reg}=${r.type}`).join(' ')}
                    {s.pruned ? ' — safe' : ''}
                  </button>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </section>
  );
}
