/**
 * Readable contrast in both themes (WCAG AA: 4.5:1 for text, 3:1 for the focus ring), read from
 * the colours the app really uses: app/styles.css's variables, the editor's theme
 * (app/monaco/colors.ts) and the terminal's (app/panels/terminal/theme.ts). Translucent
 * highlights are composed over what is under them, as the browser paints them, and every text
 * colour is checked on every surface the app draws it on, decorations and highlights included.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { EDITOR_COLORS, TEXT_SURFACES, TOKEN_COLORS, type Theme } from '../../app/monaco/colors';
import { TERMINAL_THEMES } from '../../app/panels/terminal/theme';

const css = readFileSync('app/styles.css', 'utf8');

type Rgba = [number, number, number, number];

function parse(c: string): Rgba {
  const hex = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(c.trim());
  if (hex) {
    const n = parseInt(hex[1], 16);
    return [n >> 16, (n >> 8) & 255, n & 255, hex[2] ? parseInt(hex[2], 16) / 255 : 1];
  }
  const rgba = /^rgba\(\s*([\d.]+),\s*([\d.]+),\s*([\d.]+),\s*([\d.]+)\s*\)$/.exec(c.trim());
  if (rgba) return [Number(rgba[1]), Number(rgba[2]), Number(rgba[3]), Number(rgba[4])];
  throw new Error(`not a colour: ${c}`);
}

/** Paints translucent layers (top first) over an opaque base, as the browser does. */
function compose(...layers: string[]): Rgba {
  let out = parse(layers[layers.length - 1]);
  if (out[3] !== 1) throw new Error(`the base ${layers[layers.length - 1]} is not opaque`);
  for (let i = layers.length - 2; i >= 0; i--) {
    const c = parse(layers[i]);
    out = [0, 1, 2].map((k) => c[k] * c[3] + out[k] * (1 - c[3])).concat(1) as Rgba;
  }
  return out;
}

const lum = (c: Rgba): number => {
  const v = c.slice(0, 3).map((x) => x / 255).map((x) => (x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4));
  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
};

function ratio(fg: string, ...bg: string[]): number {
  const [x, y] = [lum(compose(fg, ...bg)), lum(compose(...bg))].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** The theme's variables, `--name: #hex | rgba(...)`, from the block of `selector`. */
function themeVars(selector: string): Record<string, string> {
  const at = css.indexOf(selector);
  if (at < 0) throw new Error(`no ${selector} in styles.css`);
  const block = css.slice(css.indexOf('{', at) + 1, css.indexOf('}', at));
  return Object.fromEntries([...block.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6,8}|rgba\([^)]*\))/gi)].map((m) => [m[1], m[2]]));
}

const THEMES: [Theme, string][] = [
  ['dark', ":root[data-theme='dark']"],
  ['light', ":root[data-theme='light']"],
];

/**
 * Where the panels draw text: [text colours, layers from the top down to the opaque surface].
 * Names are variables of styles.css; each row says which rule draws it.
 */
const PANEL_SURFACES: [string, string[], string[]][] = [
  ['page, panels, headers, buttons', ['text', 'muted', 'accent', 'ok', 'bad', 'warn'], ['bg']],
  ['', ['text', 'muted', 'accent', 'ok', 'bad', 'warn'], ['panel']],
  ['', ['text', 'muted', 'accent', 'ok', 'bad', 'warn'], ['head']],
  ['', ['text', 'muted', 'accent', 'bad'], ['btn']],
  ['hovered buttons and menu items', ['text', 'muted', 'accent', 'bad'], ['btn-hover']],
  ['tr.changed (registers, stack): values, "not init", verifier types, the change mark', ['text', 'muted', 'accent', 'warn'], ['changed', 'panel']],
  ['.bytes span.hot inside tr.changed', ['text'], ['write', 'changed', 'panel']],
  ['tr.mark-read / .hx.read (context, packet)', ['text', 'muted'], ['read', 'panel']],
  ['tr.mark-write / .hx.write', ['text', 'muted'], ['write', 'panel']],
  ['ol.log li.current, .prow.selected', ['text', 'muted', 'ok', 'accent'], ['pc', 'panel']],
  ['ol.log li.error, .explain, .unavailable-pins (the Maps panel)', ['text', 'bad'], ['err', 'panel']],
  ['.erow.touched (map entry of the last step)', ['text', 'muted', 'accent'], ['changed', 'panel']],
  ['.erow.touched while it flashes', ['text', 'muted', 'accent'], ['flash', 'changed', 'panel']],
];

/**
 * Decorations the editor paints under a line (app/panels/editor/decorations.ts), over its
 * background, alone and together: the current line (pc, or err when faulted) and the last one
 * can meet, and on the refused line the current instruction is a ring (.pc-err-line), no tint.
 */
const LINE_DECORATIONS: string[][] = [[], ['pc'], ['err'], ['last'], ['pc', 'last'], ['err', 'last']];

test('the current instruction on the refused line adds no tint over its red', () => {
  const rule = /\.pc-err-line\s*\{([^}]*)\}/.exec(css);
  expect(rule?.[1]).toBeDefined();
  expect(rule![1]).not.toMatch(/background/);
});

describe.each(THEMES)('%s theme', (theme, selector) => {
  const v = themeVars(selector);
  const ed = EDITOR_COLORS[theme];
  const bg = ed['editor.background'];
  test('the variables were read', () => {
    for (const k of ['bg', 'panel', 'head', 'btn', 'btn-hover', 'text', 'muted', 'changed', 'pc', 'err', 'last', 'read', 'write', 'flash', 'focus']) {
      expect(v[k], k).toBeDefined();
    }
  });

  test.each(PANEL_SURFACES.map(([what, fgs, layers]) => [what || layers.join(' over '), fgs, layers] as const))('panels: %s', (_, fgs, layers) => {
    for (const fg of fgs) expect(ratio(v[fg], ...layers.map((l) => v[l])), `${fg} on ${layers.join(' over ')}`).toBeGreaterThanOrEqual(4.5);
  });

  test('the focus ring stands out (3:1) from every surface it is drawn on', () => {
    for (const b of ['bg', 'panel', 'head', 'btn']) expect(ratio(v.focus, v[b]), `focus on ${b}`).toBeGreaterThanOrEqual(3);
  });

  test('every token of the editor on its background and on every line decoration', () => {
    for (const deco of LINE_DECORATIONS) {
      for (const [token, t] of Object.entries(TOKEN_COLORS[theme])) {
        expect(ratio(t.color, ...deco.map((d) => v[d]), bg), `${token || 'default'} on ${[...deco, 'editor'].join(' over ')}`).toBeGreaterThanOrEqual(4.5);
      }
    }
  });

  test("the register types after the current line (.reg-hint) and the line numbers", () => {
    expect(ratio(v.muted, v.pc, bg)).toBeGreaterThanOrEqual(4.5);
    expect(ratio(v.muted, v.pc, v.last, bg)).toBeGreaterThanOrEqual(4.5);
    expect(ratio(ed['editorLineNumber.foreground'], bg)).toBeGreaterThanOrEqual(4.5);
    expect(ratio(ed['editorLineNumber.activeForeground'], bg)).toBeGreaterThanOrEqual(4.5);
    // the number of the empty line after a final newline
    expect(ratio(ed['editorLineNumber.dimmedForeground'], bg)).toBeGreaterThanOrEqual(4.5);
  });

  test('every token on selections, highlighted occurrences and find matches', () => {
    for (const s of TEXT_SURFACES) {
      for (const [token, t] of Object.entries(TOKEN_COLORS[theme])) {
        expect(ratio(t.color, ed[s], bg), `${token || 'default'} on ${s}`).toBeGreaterThanOrEqual(4.5);
      }
    }
  });

  test('the terminal: text, prompt, errors and notes', () => {
    const t = TERMINAL_THEMES[theme];
    for (const fg of [t.foreground, t.green, t.red, t.cyan]) expect(ratio(fg, t.background), fg).toBeGreaterThanOrEqual(4.5);
    expect(ratio(t.foreground, t.selectionBackground!, t.background)).toBeGreaterThanOrEqual(4.5);
  });
});

/** `css` without the blocks of `@media <query>` (braces balanced). */
function withoutMedia(text: string, query: RegExp): string {
  let out = text;
  for (let m = query.exec(out); m; m = query.exec(out)) {
    let depth = 0;
    let i = out.indexOf('{', m.index);
    for (; i < out.length; i++) {
      if (out[i] === '{') depth++;
      else if (out[i] === '}' && --depth === 0) break;
    }
    out = out.slice(0, m.index) + out.slice(i + 1);
  }
  return out;
}

describe('motion', () => {
  test('every animation and transition of the stylesheet is under prefers-reduced-motion: no-preference', () => {
    const outside = withoutMedia(withoutMedia(css, /@media\s*\(prefers-reduced-motion:\s*no-preference\)/), /@media\s*\(prefers-reduced-motion:\s*reduce\)/);
    expect(css).toMatch(/@media\s*\(prefers-reduced-motion:\s*no-preference\)\s*\{[^}]*animation:/);
    expect([...outside.matchAll(/[^{}]*\{[^}]*\b(animation|transition)(-[a-z]+)?\s*:[^}]*\}/g)].map((m) => m[0].trim())).toEqual([]);
  });
  test('under reduce, animations and transitions of the editor and terminal end at once', () => {
    const reduce = /@media\s*\(prefers-reduced-motion:\s*reduce\)\s*\{([^{}]*\{[^}]*\})/.exec(css);
    expect(reduce?.[1]).toMatch(/animation-duration:\s*0\.01ms !important/);
    expect(reduce?.[1]).toMatch(/transition-duration:\s*0\.01ms !important/);
  });
});

describe('the stylesheet draws text only where the table above looks', () => {
  test('no opacity on anything that holds text (it would fade the text below 4.5:1 unseen)', () => {
    const rules = [...css.matchAll(/([^{}]+)\{([^}]*)\}/g)].filter((m) => /(^|;)\s*opacity\s*:/.test(m[2]));
    expect(rules.map((m) => m[1].trim())).toEqual([]);
  });
  test('every variable a rule paints a background with is one the table checks', () => {
    const used = new Set([...css.matchAll(/background(?:-color)?:\s*var\(--([\w-]+)\)/g)].map((m) => m[1]));
    const checked = new Set([...PANEL_SURFACES.flatMap(([, , layers]) => layers), ...LINE_DECORATIONS.flat(), 'line', 'accent']);
    // --line and --accent fill separators and their hover and focus (no text on them)
    expect([...used].filter((u) => !checked.has(u))).toEqual([]);
  });
});
