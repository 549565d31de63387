/**
 * A menu button (the ARIA menu button pattern: arrow keys move between items, Escape closes and
 * focus returns to the button) and a popover (a button that shows a small non-modal panel of
 * controls: Escape or a click outside closes it). Both stay out of the layout's flow, so opening
 * them moves nothing on the page.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

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

export function MenuButton({ label, items, className, title }: { label: ReactNode; items: MenuItem[]; className?: string; title?: string }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLSpanElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const id = useId();
  const close = (refocus = true) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };
  useOutside(open, root, () => setOpen(false));
  useEffect(() => {
    if (open) list.current?.querySelector<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])')?.focus();
  }, [open]);
  const onKey = (e: KeyboardEvent) => {
    const all = [...(list.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = all.indexOf(document.activeElement as HTMLElement);
    let next = -1;
    if (e.key === 'ArrowDown') next = (at + 1) % all.length;
    else if (e.key === 'ArrowUp') next = (at - 1 + all.length) % all.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = all.length - 1;
    else if (e.key === 'Escape') {
      e.stopPropagation();
      close();
    } else if (e.key === 'Tab') setOpen(false);
    else return;
    if (next >= 0) all[next]?.focus();
    if (e.key !== 'Tab') e.preventDefault();
  };
  return (
    <span className={`menu-anchor ${className ?? ''}`} ref={root}>
      <button
        type="button"
        className="btn"
        ref={button}
        id={`${id}-button`}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        title={title}
        onClick={() => setOpen(!open)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && !open) {
            e.preventDefault();
            setOpen(true);
          }
        }}
      >
        {label}
        <span aria-hidden="true"> ▾</span>
      </button>
      {open ? (
        <div role="menu" id={id} aria-labelledby={`${id}-button`} ref={list} className="popover menu" onKeyDown={onKey}>
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
                close(false);
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

/** A button that shows a panel of controls below it; `label` names both. */
export function Popover({ label, children, className }: { label: string; children: ReactNode; className?: string }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLSpanElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const id = useId();
  useOutside(open, root, () => setOpen(false));
  useEffect(() => {
    if (open) panel.current?.querySelector<HTMLElement>('input, select, button, textarea')?.focus();
  }, [open]);
  return (
    <span className={`menu-anchor ${className ?? ''}`} ref={root}>
      <button type="button" className="btn" ref={button} aria-expanded={open} aria-controls={open ? id : undefined} onClick={() => setOpen(!open)}>
        {label}
        <span aria-hidden="true"> ▾</span>
      </button>
      {open ? (
        <div
          role="dialog"
          aria-label={label}
          id={id}
          ref={panel}
          className="popover settings-box"
          onKeyDown={(e) => {
            if (e.key !== 'Escape') return;
            e.stopPropagation();
            setOpen(false);
            button.current?.focus();
          }}
        >
          {children}
        </div>
      ) : null}
    </span>
  );
}
