/**
 * Editing and loading: assembler errors as markers while typing, Load with the verifier log as
 * the toolbar asks for it (level 1, nothing at 0, a cut log and ENOSPC with a tiny log size),
 * and the refusal of a bad program explained.
 */
import { expect, test } from 'vitest';
import { appState, pageForFile, setEditorText, until } from './harness';

const file = pageForFile();

const PROGRAM = '.type socket_filter\nr0 = 1\nexit\n';

test('a typing error shows a marker, and fixing it clears it', async () => {
  const { page } = file.o;
  await setEditorText(page, '.type socket_filter\nr0 = = 1\nexit\n');
  await until(async () => (await appState<unknown[]>(page, 'diagnostics')).length > 0, 10_000, 'a diagnostic');
  const d = await appState<{ line: number }[]>(page, 'diagnostics');
  expect(d[0].line).toBe(2);
  await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 10_000 });
  await setEditorText(page, PROGRAM);
  await until(async () => (await appState<unknown[]>(page, 'diagnostics')).length === 0, 10_000, 'the marker to go');
  expect(await page.locator('.monaco-editor .squiggly-error').count()).toBe(0);
});

async function loadWith(level: string, size: string): Promise<void> {
  const { page } = file.o;
  await page.getByRole('combobox', { name: 'Log level' }).selectOption(level);
  await page.getByRole('spinbutton', { name: 'Log size' }).fill(size);
  const before = JSON.stringify(await appState(page, 'load'));
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  // every load answers anew (a new prog id, or another verdict or log)
  await until(async () => JSON.stringify(await appState(page, 'load')) !== before, 10_000, 'the load');
}

test('Load shows the log at log_level 1, none at 0, and ENOSPC with a cut log when it does not fit', async () => {
  const { page, consoleErrors, outsideRequests } = file.o;
  const region = page.getByRole('region', { name: 'Verifier log', exact: true });
  await setEditorText(page, PROGRAM);
  await loadWith('1', '65536');
  expect(await appState(page, 'load.log')).toBe('0: (b7) r0 = 1\n1: (95) exit\nprocessed 2 insns\n');
  expect(await region.textContent()).toContain('processed 2 insns');
  expect(await region.textContent()).toContain('Accepted');

  await loadWith('0', '65536');
  expect(await appState(page, 'load.log')).toBe('');
  expect(await appState(page, 'load.ok')).toBe(true);
  expect(await region.textContent()).toContain('no log was asked for');

  const long = Array.from({ length: 20 }, () => 'r0 = 1').join('\n');
  await setEditorText(page, `.type socket_filter\n${long}\nexit\n`);
  await loadWith('1', '200');
  expect(await appState(page, 'load.errnoName')).toBe('ENOSPC');
  expect((await appState<string>(page, 'load.log')).length).toBe(199);
  expect(await region.textContent()).toContain('ENOSPC');
  expect(await region.textContent()).toContain('the log did not fit');
  expect(consoleErrors).toEqual([]);
  expect(outsideRequests).toEqual([]);
});

test('a refused program: the error line is marked, linked to its instruction and explained', async () => {
  const { page } = file.o;
  const text = '.type socket_filter\n.map m array key=4 value=8 entries=1\n*(u32 *)(r10 -4) = 0\nr2 = r10\nr2 += -4\nr1 = map[m] ll\ncall bpf_map_lookup_elem\nr0 = *(u64 *)(r0 +0)\nexit\n';
  await setEditorText(page, text);
  await loadWith('1', '65536');
  expect(await appState(page, 'load.errnoName')).toBe('EACCES');
  const region = page.getByRole('region', { name: 'Verifier log', exact: true });
  await region.getByRole('note', { name: 'What this error means' }).waitFor();
  expect(await region.getByRole('note').textContent()).toContain('Missing NULL check');
  const errorLine = region.locator('li.error');
  expect(await errorLine.textContent()).toBe("R0 invalid mem access 'map_value_or_null'");
  await errorLine.getByRole('button').click();
  await until(async () => (await appState<{ line: number } | null>(page, 'reveal'))?.line === 8, 5000, 'the editor to reveal line 8');
  await page.locator('.monaco-editor .err-line').first().waitFor();
  // and back: the cursor's line marks its instruction's lines in the log
  await region.locator('li.cursor').first().waitFor();
  expect(await region.locator('li.cursor').first().textContent()).toBe('6: (79) r0 = *(u64 *)(r0 +0)');
});
