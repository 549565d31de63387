/**
 * Keyboard focus helpers shared by the dialogs, the menus and the panels: what can take focus
 * inside an element, keeping Tab inside one, and putting focus back where it came from (or, if
 * that control is gone, on a named control that stands for it).
 */

const FOCUSABLE = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  '[tabindex]:not([tabindex="-1"])',
  '[contenteditable="true"]',
].join(',');

/** The elements inside `root` that Tab reaches, in document order (visible ones only). */
export function tabbables(root: Element): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => el.tabIndex >= 0 && !el.closest('[inert]') && (el.offsetParent !== null || el.getClientRects().length > 0 || isVisuallyHiddenInput(el)),
  );
}

/** A file input hidden by `.sr-only` (the visible part is its label) still takes focus. */
function isVisuallyHiddenInput(el: HTMLElement): boolean {
  return el instanceof HTMLInputElement && el.classList.contains('sr-only');
}

/**
 * Keeps Tab and Shift+Tab inside `root`: from the last element Tab goes to the first, and back.
 * Returns true if it moved focus (the caller's key event is then handled).
 */
export function wrapTab(e: { key: string; shiftKey: boolean; preventDefault(): void }, root: Element): boolean {
  if (e.key !== 'Tab') return false;
  const items = tabbables(root);
  if (!items.length) {
    e.preventDefault();
    return true;
  }
  const first = items[0];
  const last = items[items.length - 1];
  const active = document.activeElement;
  const inside = active instanceof Node && root.contains(active);
  if (e.shiftKey && (active === first || !inside)) {
    e.preventDefault();
    last.focus();
    return true;
  }
  if (!e.shiftKey && (active === last || !inside)) {
    e.preventDefault();
    first.focus();
    return true;
  }
  return false;
}

/** Whether `el` can take focus now: in the page, not disabled, not under an inert or closed part. */
function canFocus(el: Element | null | undefined): el is HTMLElement {
  if (!(el instanceof HTMLElement) || !el.isConnected || el === document.body) return false;
  if ((el as HTMLButtonElement).disabled) return false;
  return !el.closest('[inert]');
}

/** Controls that open something register here, so focus can go back to them by name. */
const openers = new Map<string, HTMLElement>();

/** A ref callback that registers the control that opens `name` (a dialog, the capture table). */
export function opener(name: string): (el: HTMLElement | null) => void {
  return (el) => {
    if (el) openers.set(name, el);
    else if (openers.get(name)?.isConnected === false) openers.delete(name);
  };
}

/** Focuses the first of `candidates` that can take focus; true if one did. */
export function focusFirst(...candidates: (Element | string | null | undefined)[]): boolean {
  for (const c of candidates) {
    const el = typeof c === 'string' ? openers.get(c) : c;
    if (canFocus(el)) {
      el.focus();
      if (document.activeElement === el) return true;
    }
  }
  return false;
}

/**
 * Where an arrow key moves focus among `n` items from `at` (wrapping; Home and End to the ends),
 * or null if the key is not one of the list's: Left/Right on a horizontal list (toolbar, tabs),
 * Up/Down on a vertical one (menu).
 */
export function arrowMove(axis: 'horizontal' | 'vertical', key: string, at: number, n: number): number | null {
  const [back, forth] = axis === 'horizontal' ? ['ArrowLeft', 'ArrowRight'] : ['ArrowUp', 'ArrowDown'];
  if (key === forth) return (at + 1) % n;
  if (key === back) return (at + n - 1) % n;
  if (key === 'Home') return 0;
  if (key === 'End') return n - 1;
  return null;
}
