/**
 * Readable contrast in both themes: every text colour of app/styles.css against the panel and
 * page backgrounds meets WCAG AA for normal text (4.5:1), read from the stylesheet itself.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';

const css = readFileSync('app/styles.css', 'utf8');

function themeVars(selector: string): Record<string, string> {
  const at = css.indexOf(selector);
  const block = css.slice(css.indexOf('{', at) + 1, css.indexOf('}', at));
  return Object.fromEntries([...block.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1], m[2]]));
}

const lum = (hex: string): number => {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
};
const ratio = (a: string, b: string): number => {
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
};

describe.each([
  ['dark', ":root[data-theme='dark']"],
  ['light', ":root[data-theme='light']"],
])('%s theme', (_, selector) => {
  const v = themeVars(selector);
  test('the variables were read', () => expect(Object.keys(v).length).toBeGreaterThan(8));
  test.each(['text', 'muted', 'accent', 'ok', 'bad', 'warn'])('%s on every background', (fg) => {
    for (const bg of ['bg', 'panel', 'head', 'btn']) expect(ratio(v[fg], v[bg]), `${fg} on ${bg}`).toBeGreaterThanOrEqual(4.5);
  });
});
