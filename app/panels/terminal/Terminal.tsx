/**
 * The kernel's shell in xterm: type a command (bpftool, ls, cat trace_pipe, help), Enter runs it,
 * arrows recall earlier ones. The transcript lives in the store; this view draws it, appending as
 * it grows and redrawing when lines were taken away (stepping back removes trace output).
 */
import { useEffect, useRef } from 'react';
import { Terminal as XTerm } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import { actions, selectTheme, store, useApp } from '../../store';
import { entryText } from '../../store/terminal';
import { TERMINAL_THEMES as THEMES } from './theme';

const PROMPT = '# ';


/**
 * The terminal keeps Tab (a shell's key) but never traps the keyboard: Escape, then Tab or
 * Shift+Tab, leaves it, as the panel's header says. Returns xterm's key filter (false: xterm
 * ignores the key and the browser does what it does with it).
 */
function leaveWithEscapeTab(): (e: KeyboardEvent) => boolean {
  let escaped = false;
  return (e) => {
    if (e.type !== 'keydown') return true;
    if (e.key === 'Escape') {
      escaped = true;
      return false;
    }
    if (e.key === 'Tab' && escaped) {
      escaped = false;
      return false;
    }
    if (e.key !== 'Shift') escaped = false;
    return true;
  };
}

/** The line being typed, and where arrow-up is in the history. */
interface LineState {
  text: string;
  back: number;
}

export default function Terminal() {
  const host = useRef<HTMLDivElement>(null);
  const termRef = useRef<XTerm | null>(null);
  const theme = useApp(selectTheme);

  useEffect(() => {
    const term = new XTerm({
      convertEol: false,
      fontSize: 12,
      scrollback: 5000,
      theme: THEMES[store.getState().theme],
      cursorBlink: false,
      screenReaderMode: true,
      // whatever colours output brings, text stays readable (WCAG AA)
      minimumContrastRatio: 4.5,
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(host.current!);
    term.textarea?.setAttribute('aria-label', 'Shell input (Escape, then Tab, leaves the terminal)');
    term.attachCustomKeyEventHandler(leaveWithEscapeTab());
    termRef.current = term;
    const line: LineState = { text: '', back: 0 };
    let drawn = 0;
    let epoch = -1;
    let busy = false;

    const promptLine = () => `\r\x1b[2K\x1b[1;32m${PROMPT}\x1b[0m${line.text}`;
    const draw = () => {
      const t = store.getState().term;
      if (t.epoch !== epoch) {
        term.reset();
        epoch = t.epoch;
        drawn = 0;
      }
      if (drawn < t.entries.length) {
        term.write('\r\x1b[2K' + t.entries.slice(drawn).map((e) => entryText(e, PROMPT)).join(''));
        drawn = t.entries.length;
      }
      term.write(busy ? '\r\x1b[2K' : promptLine());
    };
    if (store.getState().term.entries.length === 0) {
      store.setState({ term: { entries: [{ kind: 'note', text: "bpflab's kernel shell: try help, bpftool prog show, bpftool map dump id 1, cat /sys/kernel/debug/tracing/trace_pipe" }], epoch: store.getState().term.epoch } });
    }
    draw();
    const unsub = store.subscribe((s, prev) => {
      if (s.term !== prev.term) draw();
    });

    const recall = (dir: 1 | -1) => {
      const h = store.getState().history;
      line.back = Math.min(Math.max(line.back + dir, 0), h.length);
      line.text = line.back ? h[h.length - line.back] : '';
      term.write(promptLine());
    };
    const submit = async () => {
      const cmd = line.text;
      line.text = '';
      line.back = 0;
      busy = true;
      await actions.shell(cmd);
      busy = false;
      draw();
    };
    const data = term.onData((d) => {
      if (busy) return;
      if (d === '\r') void submit();
      else if (d === '\x7f' || d === '\b') {
        line.text = line.text.slice(0, -1);
        term.write(promptLine());
      } else if (d === '\x1b[A') recall(1);
      else if (d === '\x1b[B') recall(-1);
      else if (d === '\x03') {
        line.text = '';
        term.write('^C\r\n' + promptLine());
      } else if (d === '\x0c') void actions.shell('clear');
      else if (!d.startsWith('\x1b')) {
        line.text += d.replace(/[\x00-\x1f]/g, '');
        term.write(promptLine());
      }
    });
    const ro = new ResizeObserver(() => {
      try {
        fit.fit();
      } catch {
        // hidden (zero size): fit again on the next resize
      }
    });
    ro.observe(host.current!);
    return () => {
      ro.disconnect();
      data.dispose();
      unsub();
      term.dispose();
      termRef.current = null;
    };
  }, []);

  useEffect(() => {
    if (termRef.current) termRef.current.options.theme = THEMES[theme];
  }, [theme]);

  return <div className="term-host" ref={host} onClick={() => termRef.current?.focus()} />;
}
