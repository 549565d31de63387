/** The editor's language features in the page: hovers, completion, and breakpoints set by a gutter click. */
import { expect, test } from 'vitest';
import { appState, pageForFile, setEditorText, until } from './harness';

const file = pageForFile();

test('hovering a helper shows its prototype, its doc and the program types that may call it', async () => {
  const { page } = file.o;
  await setEditorText(page, '.type socket_filter\ncall bpf_get_prandom_u32\nexit\n');
  await page.locator('.view-line span', { hasText: 'bpf_get_prandom_u32' }).first().hover();
  const hover = page.locator('.monaco-hover').filter({ hasText: 'u32 bpf_get_prandom_u32(void)' });
  await hover.first().waitFor({ timeout: 10_000 });
  const text = await hover.first().innerText();
  expect(text).toContain('pseudo-random');
  expect(text).toContain('socket_filter');
});

test('completion offers helpers after call', async () => {
  const { page } = file.o;
  await setEditorText(page, '.type socket_filter\n');
  await page.keyboard.press('Control+End');
  await page.keyboard.type('call bpf_map_up');
  await page.keyboard.press('Control+Space');
  const item = page.locator('.suggest-widget .monaco-list-row', { hasText: 'bpf_map_update_elem' });
  await item.first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await until(async () => (await appState<string>(page, 'text')).includes('call bpf_map_update_elem'), 5000, 'the completion');
});

test('a click in the gutter sets and clears a breakpoint', async () => {
  const { page } = file.o;
  await setEditorText(page, '.type socket_filter\nr0 = 1\nr0 += 2\nexit\n');
  const lineNo = page.locator('.margin-view-overlays .line-numbers', { hasText: /^3$/ });
  const box = (await lineNo.boundingBox())!;
  const glyph = (await page.locator('.monaco-editor .margin').first().boundingBox())!;
  await page.mouse.click(glyph.x + 8, box.y + box.height / 2);
  await until(async () => JSON.stringify(await appState(page, 'breakpoints')) === '[3]', 5000, 'the breakpoint');
  await page.locator('.monaco-editor .bp-glyph').first().waitFor();
  await page.mouse.click(glyph.x + 8, box.y + box.height / 2);
  await until(async () => JSON.stringify(await appState(page, 'breakpoints')) === '[]', 5000, 'the breakpoint to go');
});
