/**
 * The verifier's log exactly as bpf(2) returned it, each line linked to its instruction (click to
 * reveal it in the editor; the current instruction's lines are highlighted), the error line
 * marked and explained, and ENOSPC shown as such with the cut log.
 */
import { memo, useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { Panel } from '../../ui/Panel';
import { actions, io, pcsOfLine, selectCurrentPc, selectCursorLine, selectInspected, selectLoad, selectLogLevel, selectLogProgram, selectLogSize, selectProgramLogs, selectProgTypes, selectStale, useApp } from '../../store';
import type { LoadResult, ProgramLogView } from '../../../src/protocol';
import { explainErrno, explainRefusal, type Explanation } from './explain';
import { refusalWhere } from './naming';
import { parseLog, withVisits, type LogLine } from './logLines';
import { LogSettings } from '../toolbar/Settings';
import { ShowRun } from './ShowRun';
import { GraphButton } from './GraphButton';
import { progTypeName } from '../../lib/format';

const MAX_LINES = 20000;

/** What a log shows past its first MAX_LINES lines: how many more there are, and where they are. */
function MoreLines({ count }: { count: number }) {
  return count > MAX_LINES ? <p className="muted pad">… {count - MAX_LINES} more lines (Copy log has them all)</p> : null;
}

/** Opens a lesson by id (the gallery's data loads with it). */
async function openLesson(id: string): Promise<void> {
  const { lessonById } = await import('../../../src/lessons');
  const l = lessonById(id);
  if (l) await io.openLesson(l);
}

function ExplanationBox({ e }: { e: Explanation }) {
  return (
    <div className="explain" role="note" aria-label="What this error means">
      <strong>{e.title}</strong>
      <p>{e.meaning}</p>
      <p>
        <em>Fix:</em> {e.fix}
      </p>
      {e.lesson ? (
        <p className="small">
          Lesson:{' '}
          <button type="button" className="link" title="Opens the lesson in the editor, in place of this program" onClick={() => void openLesson(e.lesson!.id)}>
            {e.lesson.title}
          </button>
        </p>
      ) : null}
    </div>
  );
}

/**
 * One line of the log. Memoized: a step or a cursor move changes the class of a few lines, and
 * a level-2 log has thousands.
 */
const LogRow = memo(function LogRow({ l, current, cursor, inspected, tabbable, plain }: { l: LogLine; current: boolean; cursor: boolean; inspected: boolean; tabbable: boolean; plain?: boolean }) {
  const open = () => (l.visit !== undefined ? actions.inspectVisit(l.visit) : actions.revealPc(l.pc!));
  return (
    <li className={[l.kind, current ? 'current' : '', cursor ? 'cursor' : '', inspected ? 'inspected' : ''].join(' ')} data-pc={l.pc} data-visit={l.visit}>
      {!plain && l.pc !== undefined && (l.kind !== 'state' || l.visit !== undefined) ? (
        <button type="button" className="loglink" tabIndex={tabbable ? 0 : -1} title={`Show instruction ${l.pc} in the editor and the verifier's state there in the registers and stack panels`} onClick={open}>
          {l.text}
        </button>
      ) : (
        <span>{l.text || '\u00a0'}</span>
      )}
    </li>
  );
});

/** Arrow keys move between the log's links, so the log is one Tab stop, not hundreds. */
function onLogKey(e: KeyboardEvent<HTMLOListElement>): void {
  const delta = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : e.key === 'Home' ? -Infinity : e.key === 'End' ? Infinity : 0;
  if (!delta) return;
  const links = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('button.loglink')];
  const at = links.indexOf(document.activeElement as HTMLButtonElement);
  const next = links[Math.max(0, Math.min(links.length - 1, Number.isFinite(delta) ? at + delta : delta < 0 ? 0 : links.length - 1))];
  if (!next) return;
  e.preventDefault();
  for (const l of links) l.tabIndex = l === next ? 0 : -1;
  next.focus();
}

/**
 * Which program's log the pane shows, when the load set up others beside the edited one (a
 * lesson's tail-call targets, an object's other programs): each had its own BPF_PROG_LOAD.
 */
function ProgramPicker({ load, logs, chosen }: { load: LoadResult; logs: readonly ProgramLogView[]; chosen: ProgramLogView | undefined }) {
  const types = useApp(selectProgTypes);
  const main = load.program?.directives.name;
  return (
    <label className="small log-program">
      Program{' '}
      <select value={chosen?.name ?? ''} onChange={(e) => actions.showLog(e.target.value || null)}>
        <option value="">
          {main ? `${main} (edited)` : 'the edited program'}, {progTypeName(types, load.progType)}
        </option>
        {logs.map((l) => (
          <option key={l.name} value={l.name}>
            {l.name}, {progTypeName(types, l.progType)}
            {l.ok ? '' : `, refused (${l.errnoName})`}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A BPF_PROG_LOAD's verdict line (`name`: another program of the set; `stale`: the editor changed since). */
function Verdict({ v, name, stale }: { v: Pick<ProgramLogView, 'ok' | 'progId' | 'errno' | 'errnoName' | 'logTruncated'>; name?: string; stale?: boolean }) {
  return (
    <p className={`pad verdict ${v.ok ? 'ok' : 'bad'}`}>
      {name ? `${name}: ` : ''}
      {v.ok ? `Accepted: prog id ${v.progId}` : `Refused: ${v.errnoName} (${v.errno})`}
      {v.logTruncated ? ' — the log did not fit in log_size and was cut' : ''}
      {stale ? ' — the editor changed since this load' : ''}
    </p>
  );
}

/** What stands for an empty log: whether none was asked for. */
function NoLog({ logLevel }: { logLevel: number }) {
  return <p className="muted pad">{logLevel === 0 ? 'log_level 0: no log was asked for, so the kernel wrote none.' : 'The kernel wrote no log.'}</p>;
}

/** The log of another program of the set: its verdict and its lines as its own BPF_PROG_LOAD wrote them. */
function OtherLog({ l, logLevel }: { l: ProgramLogView; logLevel: number }) {
  const lines = useMemo(() => parseLog(l.log, !l.ok), [l]);
  return (
    <>
      <Verdict v={l} name={l.name} />
      {!l.log ? <NoLog logLevel={logLevel} /> : null}
      {lines.length ? (
        <ol className="log mono" aria-label={`Log lines of ${l.name}`}>
          {lines.slice(0, MAX_LINES).map((x, i) => (
            <LogRow key={i} l={x} current={false} cursor={false} inspected={false} tabbable={false} plain />
          ))}
        </ol>
      ) : null}
      <MoreLines count={lines.length} />
    </>
  );
}

export function VerifierPanel() {
  const load = useApp(selectLoad);
  const pc = useApp(selectCurrentPc);
  const logLevel = useApp(selectLogLevel);
  const logSize = useApp(selectLogSize);
  const stale = useApp(selectStale);
  const cursorLine = useApp(selectCursorLine);
  const inspected = useApp(selectInspected);
  const lines = useMemo(() => {
    if (!load) return [];
    const parsed = parseLog(load.log, !load.ok);
    const a = load.analysis;
    return a ? withVisits(parsed, a.table.pcs, a.table.pruned) : parsed;
  }, [load]);
  const list = useRef<HTMLOListElement>(null);
  const firstLink = useMemo(() => lines.findIndex((x) => x.pc !== undefined && (x.kind !== 'state' || x.visit !== undefined)), [lines]);
  // the editor's cursor line -> the slots on it -> their log lines, brought into view
  const cursorPcs = useMemo(() => new Set(pcsOfLine(load?.program?.lines, cursorLine)), [load, cursorLine]);
  useEffect(() => {
    list.current?.querySelector('li.cursor')?.scrollIntoView({ block: 'nearest' });
  }, [cursorPcs]);
  useEffect(() => {
    list.current?.querySelector('li.current')?.scrollIntoView({ block: 'nearest' });
  }, [pc]);
  // the verifier's refusal names its message by id; other refusals (verifier off, the kernel after it) by errno
  const progTypes = useApp(selectProgTypes);
  const explanation = useMemo(
    () => (load && !load.ok && load.stage === 'load' ? (load.refusal ? explainRefusal(load.refusal, refusalWhere(load, progTypes)) : explainErrno(load.errno, logLevel, logSize)) : undefined),
    [load, progTypes, logLevel, logSize],
  );
  const programLogs = useApp(selectProgramLogs);
  const logProgram = useApp(selectLogProgram);
  const other = logProgram === null ? undefined : programLogs.find((l) => l.name === logProgram);
  const shownLog = other ? other.log : (load?.log ?? '');
  const copy = () => void navigator.clipboard?.writeText(shownLog);
  const tools = (
    <>
      {load?.stage === 'load' && programLogs.length ? <ProgramPicker load={load} logs={programLogs} chosen={other} /> : null}
      <LogSettings />
      {load?.stage === 'load' && load.analysis ? <GraphButton /> : null}
      {shownLog ? (
        <button type="button" className="btn small" onClick={copy}>
          Copy log
        </button>
      ) : null}
    </>
  );
  return (
    <Panel id="verifier" title="Verifier log" tools={tools}>
      {!load ? <p className="muted pad">Load (Ctrl+Enter) to verify the program; its log shows here.</p> : null}
      {load?.stage === 'assemble' ? (
        <p className="pad bad">The program does not assemble ({load.diagnostics.length} error{load.diagnostics.length === 1 ? '' : 's'}); nothing was loaded.</p>
      ) : null}
      {other ? (
        <OtherLog l={other} logLevel={logLevel} />
      ) : (
        <>
          {load?.stage === 'load' ? <Verdict v={load} stale={stale} /> : null}
          {explanation ? <ExplanationBox e={explanation} /> : null}
          <ShowRun />
          {load?.stage === 'load' && !load.log ? <NoLog logLevel={logLevel} /> : null}
          {lines.length ? (
            <ol className="log mono" aria-label="Log lines (arrow keys move between instructions)" ref={list} onKeyDown={onLogKey}>
              {lines.slice(0, MAX_LINES).map((l, i) => (
                <LogRow key={i} l={l} current={l.pc !== undefined && l.pc === pc} cursor={l.pc !== undefined && cursorPcs.has(l.pc)} inspected={l.visit !== undefined && l.visit === inspected?.visit && l.kind !== 'state'} tabbable={i === firstLink} />
              ))}
            </ol>
          ) : null}
          <MoreLines count={lines.length} />
        </>
      )}
    </Panel>
  );
}
