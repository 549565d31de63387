/**
 * A modal dialog, as the WAI-ARIA dialog pattern describes: it opens (the page behind it inert)
 * when it mounts, focus moves into it (the element marked `data-autofocus`, else the first
 * control), Tab and Shift+Tab stay inside, Escape closes it, and when it goes focus returns to
 * the control that opened it (or, if that control is gone, to `returnTo`). Render it only while
 * it is open; `onClose` tells the owner to stop rendering it. With an `anchor` it is a popover
 * that is a modal all the same: placed under the control that opened it, and a press outside it
 * closes it too.
 */
import { createContext, useContext, useEffect, useLayoutEffect, useRef, type KeyboardEvent, type PointerEvent, type ReactNode, type RefObject } from 'react';
import { focusFirst, tabbables, wrapTab } from './focus';

interface Props {
  /** the dialog's accessible name */
  label: string;
  /** the id of the text that describes it (read when it opens) */
  describedBy?: string;
  /** the dialog has closed (Escape, a Close button): stop rendering it */
  onClose: () => void;
  /** a registered opener's name (see focus.ts) or an element: where focus goes if the opener is gone */
  returnTo?: string | (() => HTMLElement | null | undefined);
  className?: string;
  /** a popover: shown under this element (kept inside the window), closed by a press outside */
  anchor?: RefObject<HTMLElement | null>;
  children: ReactNode;
}

/** Puts `d` under `anchor`, inside the window. */
function placeUnder(d: HTMLDialogElement, anchor: HTMLElement): void {
  const a = anchor.getBoundingClientRect();
  const margin = 8;
  d.style.margin = '0';
  d.style.top = `${Math.round(a.bottom + 4)}px`;
  const left = Math.min(a.left, window.innerWidth - d.offsetWidth - margin);
  d.style.left = `${Math.round(Math.max(margin, left))}px`;
}

const CloseContext = createContext<() => void>(() => undefined);

/** Inside a Modal: closes it (the same as Escape). */
export function useCloseModal(): () => void {
  return useContext(CloseContext);
}

export function Modal({ label, describedBy, onClose, returnTo, className, anchor, children }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const openedFrom = useRef<Element | null>(null);
  const back = useRef(returnTo);
  const under = useRef(anchor); // (the anchor it opened under)
  useEffect(() => {
    back.current = returnTo;
  });

  useLayoutEffect(() => {
    const d = ref.current;
    if (!d) return;
    // once: React's StrictMode runs this twice in development, the second time with focus inside
    if (!openedFrom.current) openedFrom.current = document.activeElement;
    if (!d.open) d.showModal();
    if (under.current?.current) placeUnder(d, under.current.current);
    const first = d.querySelector<HTMLElement>('[data-autofocus]') ?? tabbables(d)[0];
    (first ?? d).focus();
    return () => {
      const r = back.current;
      // the dialog is leaving the page: put focus back where it was before it opened
      queueMicrotask(() => {
        if (d.isConnected && d.open) return; // StrictMode's rehearsal: still open
        focusFirst(openedFrom.current, typeof r === 'function' ? r() : r);
      });
    };
  }, []);

  const close = () => {
    const d = ref.current;
    if (d?.open) d.close();
    else onClose();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDialogElement>) => {
    if (e.key === 'Escape' && !e.defaultPrevented) {
      // handled here rather than by the browser's cancel, which Chrome skips for dialogs opened
      // without a user gesture (an object chosen by drag and drop)
      e.preventDefault();
      e.stopPropagation();
      close();
    } else wrapTab(e, e.currentTarget);
  };

  // a popover: a press on the backdrop (the dialog element itself, outside its box) closes it
  const onPointerDown = (e: PointerEvent<HTMLDialogElement>) => {
    if (!anchor || e.target !== e.currentTarget) return;
    const r = e.currentTarget.getBoundingClientRect();
    if (e.clientX < r.left || e.clientX > r.right || e.clientY < r.top || e.clientY > r.bottom) close();
  };

  return (
    <dialog
      ref={ref}
      aria-label={label}
      aria-describedby={describedBy}
      aria-modal="true"
      className={className ?? 'dialog'}
      onClose={onClose}
      onKeyDown={onKeyDown}
      onPointerDown={onPointerDown}
      tabIndex={-1}
    >
      <CloseContext.Provider value={close}>{children}</CloseContext.Provider>
    </dialog>
  );
}
