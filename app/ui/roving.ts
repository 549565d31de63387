/**
 * Roving focus for a toolbar, as the WAI-ARIA toolbar pattern describes: the whole toolbar is one
 * Tab stop, Left and Right move between its controls (wrapping), Home and End jump to the first
 * and the last, and Tab comes back to the control used last. It works on the DOM, so the controls
 * inside need nothing: whatever can take focus in the toolbar is an item, except what sits in a
 * menu or a dialog it opens (those keep their own keys), and controls the page itself keeps out
 * of the Tab order (tabindex -1, a file input a menu item clicks).
 */
import { useEffect, type RefObject } from 'react';
import { arrowMove } from './focus';

const ITEM = 'button:not([disabled]), select:not([disabled]), input:not([disabled]):not([type="hidden"]), textarea:not([disabled]), a[href]';
/** what the toolbar opens: its own keys, not the toolbar's */
const NESTED = 'dialog, [role="dialog"], [role="menu"]';
/** controls that use Left, Right, Home and End themselves */
const TEXT = 'textarea, input:not([type="file"]):not([type="checkbox"]):not([type="radio"]):not([type="button"]):not([type="range"])';

/** Controls this module took out of the Tab order (their own tabindex was 0). */
const demoted = new WeakSet<HTMLElement>();

function nested(bar: HTMLElement, el: Element): boolean {
  const n = el.closest(NESTED);
  return !!n && n !== bar && bar.contains(n);
}

/** The toolbar's items in document order: the controls its arrows move between. */
function rovingItems(bar: HTMLElement): HTMLElement[] {
  return [...bar.querySelectorAll<HTMLElement>(ITEM)].filter(
    (el) => (el.tabIndex >= 0 || demoted.has(el)) && !nested(bar, el) && el.getClientRects().length > 0,
  );
}

/** Makes `current` (or the first item, if it is gone) the toolbar's one Tab stop. */
function settle(bar: HTMLElement, current: HTMLElement | null): HTMLElement | null {
  const items = rovingItems(bar);
  const stop = current && items.includes(current) ? current : (items[0] ?? null);
  for (const el of items) {
    if (el === stop) {
      if (el.tabIndex !== 0) el.tabIndex = 0;
      demoted.delete(el);
    } else if (el.tabIndex >= 0) {
      el.tabIndex = -1;
      demoted.add(el);
    }
  }
  return stop;
}


/** Gives the toolbar `ref` points at roving focus (see the file's comment); `layout` names its current element's shape. */
export function useRovingFocus(ref: RefObject<HTMLElement | null>, layout?: string): void {
  useEffect(() => {
    const bar = ref.current;
    if (!bar) return;
    let current = settle(bar, null);
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || nested(bar, target) || target.matches(TEXT)) return;
      const items = rovingItems(bar);
      const at = items.findIndex((el) => el === target || el.contains(target));
      if (at < 0 || !items.length) return;
      const next = arrowMove('horizontal', e.key, at, items.length);
      if (next === null) return;
      e.preventDefault();
      current = settle(bar, items[next]);
      items[next].focus();
    };
    const onFocus = (e: FocusEvent) => {
      const target = e.target as HTMLElement;
      if (nested(bar, target)) return;
      const item = rovingItems(bar).find((el) => el === target || el.contains(target));
      if (item) current = settle(bar, item);
    };
    // controls come and go (the width, a phone, a run): keep exactly one Tab stop
    const watch = new MutationObserver(() => {
      current = settle(bar, current);
    });
    watch.observe(bar, { childList: true, subtree: true });
    bar.addEventListener('keydown', onKey);
    bar.addEventListener('focusin', onFocus);
    return () => {
      watch.disconnect();
      bar.removeEventListener('keydown', onKey);
      bar.removeEventListener('focusin', onFocus);
    };
  }, [ref, layout]);
}
