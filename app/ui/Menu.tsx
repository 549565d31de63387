/**
 * A menu button, as the WAI-ARIA menu button pattern describes: Enter, Space or ArrowDown open it
 * on its first item, ArrowUp on its last; arrows, Home and End move; Escape or Tab close it and
 * focus returns to the button, as it does when an item is chosen (so a dialog an item opens
 * returns focus there too). And a popover: a button that shows a small panel of controls as a
 * modal dialog (Escape or a click outside closes it). Both float, so opening them moves nothing
 * on the page.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { arrowMove, opener } from './focus';
import { Modal } from './Modal';

export interface MenuItem {
  label: string;
  onSelect: () => void;
  disabled?: boolean;
  title?: string;
}

/** Closes `open` on a pointer press outside `root`. */
function useOutside(open: boolean, root: React.RefObject<HTMLElement | null>, close: () => void): void {
  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) close();
    };
    document.addEventListener('pointerdown', onDown, true);
    return () => document.removeEventListener('pointerdown', onDown, true);
  }, [open, root, close]);
}


/**
 * `openers`: names of what the items open (app/ui/focus.ts), so a dialog opened from the menu
 * returns focus to its button.
 */
export function MenuButton({ label, items, title, openers = [] }: { label: ReactNode; items: MenuItem[]; title?: string; openers?: string[] }) {
  // the item to focus when the menu opens (0, the last), or null when it is closed
  const [open, setOpen] = useState<number | null>(null);
  const root = useRef<HTMLSpanElement>(null);
  const button = useRef<HTMLButtonElement | null>(null);
  const list = useRef<HTMLDivElement>(null);
  const id = useId();
  const close = (refocus: boolean) => {
    setOpen(null);
    if (refocus) button.current?.focus();
  };
  useOutside(open !== null, root, () => setOpen(null));
  const focusItem = (i: number) => list.current?.querySelectorAll<HTMLElement>('[role="menuitem"]')[i]?.focus();
  useEffect(() => {
    if (open !== null) focusItem(open);
  }, [open]);
  const onKey = (e: KeyboardEvent) => {
    const all = [...(list.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const next = arrowMove('vertical', e.key, all.indexOf(document.activeElement as HTMLElement), all.length);
    if (next !== null) all[next]?.focus();
    else if (e.key === 'Escape' || e.key === 'Tab') close(true);
    else return;
    e.preventDefault();
    e.stopPropagation();
  };
  return (
    <span className="menu-anchor" ref={root}>
      <button
        type="button"
        className="btn"
        ref={(el) => {
          button.current = el;
          for (const o of openers) opener(o)(el);
        }}
        id={`${id}-button`}
        aria-haspopup="menu"
        aria-expanded={open !== null}
        aria-controls={open !== null ? id : undefined}
        title={title}
        onClick={() => (open !== null ? close(false) : setOpen(0))}
        onKeyDown={(e) => {
          if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
          e.preventDefault();
          const at = e.key === 'ArrowDown' ? 0 : items.length - 1;
          // already open with focus back on the button (a dialog's focus return can land here
          // after the menu opened): the state would not change, so move focus directly
          if (open !== null) focusItem(at);
          else setOpen(at);
        }}
      >
        {label}
        <span aria-hidden="true"> ▾</span>
      </button>
      {open !== null ? (
        <div
          role="menu"
          id={id}
          aria-labelledby={`${id}-button`}
          ref={list}
          className="popover menu"
          onKeyDown={onKey}
          onBlur={(e) => !e.currentTarget.contains(e.relatedTarget) && e.relatedTarget !== button.current && close(false)}
        >
          {items.map((it) => (
            <button
              key={it.label}
              type="button"
              role="menuitem"
              tabIndex={-1}
              title={it.title}
              aria-disabled={it.disabled || undefined}
              onClick={() => {
                if (it.disabled) return;
                // focus goes back to the button first: a dialog the item opens returns it there
                close(true);
                it.onSelect();
              }}
            >
              {it.label}
            </button>
          ))}
        </div>
      ) : null}
    </span>
  );
}

/**
 * A button that shows a panel of controls below it; `label` names both. The panel is a modal
 * dialog (app/ui/Modal.tsx): focus moves in, Tab stays inside, Escape or a press outside closes
 * it, and focus returns to the button.
 */
export function Popover({ label, children, className }: { label: string; children: ReactNode; className?: string }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  return (
    <span className={`menu-anchor ${className ?? ''}`}>
      <button type="button" className="btn" ref={button} aria-haspopup="dialog" aria-expanded={open} onClick={() => setOpen(!open)}>
        {label}
        <span aria-hidden="true"> ▾</span>
      </button>
      {open ? (
        <Modal label={label} anchor={button} returnTo={() => button.current} className="dialog popover-dialog settings-box" onClose={() => setOpen(false)}>
          {children}
        </Modal>
      ) : null}
    </span>
  );
}
