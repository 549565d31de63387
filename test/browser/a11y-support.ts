/**
 * What the accessibility tests share: axe-core injected into the page (the dev dependency's own
 * build, so nothing is fetched), the theme switch, and where keyboard focus is.
 */
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { until } from './harness';

const AXE_SOURCE = (createRequire(import.meta.url)('axe-core') as { source: string }).source;

/**
 * axe-core's rules that are not run, and why. Empty: every rule of axe-core (WCAG 2.0-2.2 A and
 * AA, and its best practices) runs in every state, except the ones axe itself marks experimental.
 * Text contrast axe cannot decide (text over Monaco's layered decorations, text under another
 * element) is reported by axe as "incomplete", not as a violation: test/app/contrast.test.ts
 * checks every colour pair the app draws, decorations included, so those cases are covered.
 */
export const AXE_DISABLED_RULES: Record<string, string> = {};

/** axe-core's violations in the page as it is now (or only inside the element `within` selects), one readable line each. */
export async function axeViolations(page: Page, within?: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE_SOURCE);
  const rules = Object.fromEntries(Object.keys(AXE_DISABLED_RULES).map((id) => [id, { enabled: false }]));
  const violations = await page.evaluate(async ([r, inside]) => {
    const axe = (globalThis as unknown as { axe: { run(ctx: Document | { include: string[] }, o: object): Promise<{ violations: { id: string; help: string; nodes: { target: string[]; failureSummary?: string }[] }[] }> } }).axe;
    const res = await axe.run(inside ? { include: [inside] } : document, { rules: r, resultTypes: ['violations'] });
    return res.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 300)}`) }));
  }, [rules, within ?? ''] as const);
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.help}) at ${n}`));
}

export type Theme = 'dark' | 'light';

/** Switches the page to `theme` with the status bar's theme switch. */
export async function setTheme(page: Page, theme: Theme): Promise<void> {
  const now = () => page.evaluate(() => document.documentElement.dataset.theme);
  if ((await now()) === theme) return;
  await page.getByRole('switch', { name: 'Dark theme' }).click();
  await until(async () => (await now()) === theme, 5000, `the ${theme} theme`);
}

/** A short description of the focused element: tag, role, name; "body" when focus is lost. */
export async function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    const name = el.getAttribute('aria-label') ?? (el as HTMLElement).innerText?.trim().slice(0, 40) ?? '';
    return `${el.tagName.toLowerCase()}${el.getAttribute('role') ? `[role=${el.getAttribute('role')}]` : ''} "${name}"`;
  });
}

/** Whether the focused element is inside the element `selector` matches. */
export async function focusInside(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((s) => !!document.activeElement?.closest(s), selector);
}

/** The text of the page's polite live region. */
export const announced = (page: Page): Promise<string> => page.locator('#announcer').innerText();
