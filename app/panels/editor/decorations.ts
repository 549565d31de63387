/**
 * The editor's overlays, kept in step with the store: markers for assembler errors, and
 * decorations for breakpoints, the current instruction (with the verifier's register types
 * inline), the last executed instruction and the verifier's error line.
 */
import { useEffect, useRef } from 'react';
import type * as Monaco from 'monaco-editor/editor';
import type { State } from '../../store';
import type { AnalysisView } from '../../store/deps';
import { lineOfPc, selectCurrentPc, selectInspected, store } from '../../store';
import { registerHint } from './hints';

export interface Overlay {
  line: number;
  options: Monaco.editor.IModelDecorationOptions;
}

/** The last instruction a run executed (this editor's and OtherProgram's). */
export const LAST_LINE: Monaco.editor.IModelDecorationOptions = { isWholeLine: true, className: 'last-line' };

/** A run's current instruction on `line` (slot `pc`), with the verifier's register types there inline. */
export function pcOverlay(line: number, pc: number, analysis: AnalysisView | undefined, className: string): Overlay {
  const hint = registerHint(analysis, pc);
  return {
    line,
    options: {
      isWholeLine: true,
      className,
      glyphMarginClassName: 'pc-glyph',
      after: hint ? { content: `  ${hint}`, inlineClassName: 'reg-hint' } : undefined,
    },
  };
}

const BREAKPOINT: Monaco.editor.IModelDecorationOptions = {
  glyphMarginClassName: 'bp-glyph',
  glyphMarginHoverMessage: { value: 'Breakpoint (click or F9 to remove)' },
  // stays on its line as lines are inserted or deleted above it
  stickiness: 1,
};

function overlays(s: State): Overlay[] {
  const out: Overlay[] = [];
  const err = s.load && !s.load.ok && s.load.analysis?.errorPc !== undefined ? lineOfPc(s, s.load.analysis.errorPc) : undefined;
  if (err !== undefined) {
    const msg = s.load!.log.trimEnd().split('\n').at(-1) ?? '';
    out.push({ line: err, options: { isWholeLine: true, className: 'err-line', hoverMessage: { value: `**verifier:** ${msg}` }, linesDecorationsClassName: 'err-mark' } });
  }
  const last = s.snap?.last;
  if (last && s.snap!.progId === s.load?.progId) {
    const l = lineOfPc(s, last.pcBefore);
    if (l !== undefined) out.push({ line: l, options: LAST_LINE });
  }
  out.push(...insightOverlays(s));
  const pc = selectCurrentPc(s);
  const line = pc !== null ? lineOfPc(s, pc) : undefined;
  if (pc !== null && line !== undefined) {
    // on the refused line, a ring: a second tint over its red would leave text under 4.5:1
    out.push(pcOverlay(line, pc, s.load?.analysis, line === err ? 'pc-err-line' : s.snap?.state === 'faulted' ? 'fault-line' : 'pc-line'));
  }
  return out;
}

/** The verifier's view without a run: the instruction whose state the panels show, and a traced value's chain. */
function insightOverlays(s: State): Overlay[] {
  const out: Overlay[] = [];
  const at = selectInspected(s);
  const p = s.provenance;
  if (p && at && p.visit === at.visit) {
    const notes = new Map<number, string[]>();
    for (const step of p.steps) {
      const l = lineOfPc(s, step.pc);
      if (l !== undefined) notes.set(l, [...(notes.get(l) ?? []), `${step.kind}: ${step.note}`]);
    }
    for (const [line, ns] of notes) {
      out.push({ line, options: { isWholeLine: true, className: 'prov-line', linesDecorationsClassName: 'prov-mark', hoverMessage: { value: ns.map((n) => `\`${n}\``).join('\n\n') } } });
    }
  }
  const l = at ? lineOfPc(s, at.pc) : undefined;
  if (l !== undefined) out.push({ line: l, options: { isWholeLine: true, className: 'inspect-line', glyphMarginClassName: 'inspect-glyph' } });
  return out;
}

export function useDecorations(monaco: typeof Monaco, editor: Monaco.editor.IStandaloneCodeEditor | null, onBreakpointsMoved: (lines: number[]) => void): void {
  const collection = useRef<Monaco.editor.IEditorDecorationsCollection | null>(null);
  useEffect(() => {
    if (!editor) return;
    collection.current = editor.createDecorationsCollection();
    const bps = editor.createDecorationsCollection();
    const setBreakpoints = (lines: number[], n: number) =>
      bps.set(lines.filter((l) => l >= 1 && l <= n).map((l) => ({ range: new monaco.Range(l, 1, l, 1), options: BREAKPOINT })));
    const moved = editor.onDidChangeModelContent(() => {
      const lines = [...new Set(bps.getRanges().map((r) => r.startLineNumber))].sort((a, b) => a - b);
      if (lines.join() !== store.getState().breakpoints.join()) onBreakpointsMoved(lines);
    });
    const apply = (s: State) => {
      const model = editor.getModel();
      if (!model) return;
      const n = model.getLineCount();
      setBreakpoints(s.breakpoints, n);
      collection.current!.set(
        overlays(s)
          .filter((o) => o.line >= 1 && o.line <= n)
          .map((o) => ({ range: new monaco.Range(o.line, 1, o.line, model.getLineMaxColumn(o.line)), options: o.options })),
      );
      monaco.editor.setModelMarkers(
        model,
        'asm',
        s.diagnostics.map((d) => ({
          severity: d.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
          message: d.message,
          startLineNumber: d.line,
          startColumn: d.col,
          endLineNumber: d.line,
          endColumn: d.endCol ?? model.getLineMaxColumn(Math.min(d.line, n)),
        })),
      );
    };
    apply(store.getState());
    const unsub = store.subscribe((s, prev) => {
      const insight = s.provenance !== prev.provenance || s.inspect !== prev.inspect || s.cursorLine !== prev.cursorLine;
      if (insight || s.breakpoints !== prev.breakpoints || s.snap !== prev.snap || s.load !== prev.load || s.diagnostics !== prev.diagnostics) apply(s);
      // follow the debugger: keep the current instruction on screen
      const pc = selectCurrentPc(s);
      if (s.snap !== prev.snap && pc !== null) {
        const line = lineOfPc(s, pc);
        if (line !== undefined) editor.revealLineInCenterIfOutsideViewport(line);
      }
    });
    return () => {
      unsub();
      moved.dispose();
      bps.clear();
      collection.current?.clear();
    };
  }, [editor, monaco, onBreakpointsMoved]);
}
