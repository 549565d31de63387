/**
 * A map of 100,000 entries in the inspector: filled by a program run 100,000 times, it scrolls to
 * its last entry with only the rows on screen in the page (prints the time, asserts none).
 */
import { expect, test } from 'vitest';
import { appState, harnessForFile, setEditorText, until, waitForEditor } from './harness';

const file = harnessForFile();

const FILL = `.type socket_filter
.map next array key=4 value=4 entries=1
.map big hash key=4 value=8 entries=100000
    *(u32 *)(r10 -4) = 0
    r1 = map[next] ll
    r2 = r10
    r2 += -4
    call bpf_map_lookup_elem
    if r0 == 0 goto out
    r6 = *(u32 *)(r0 +0)
    r1 = r6
    r1 += 1
    *(u32 *)(r0 +0) = r1
    *(u32 *)(r10 -8) = r6
    *(u64 *)(r10 -16) = r6
    r1 = map[big] ll
    r2 = r10
    r2 += -8
    r3 = r10
    r3 += -16
    r4 = 0
    call bpf_map_update_elem
out:
    r0 = 0
    exit
`;

test('a map of 100,000 entries scrolls to its end with only the visible rows rendered', async () => {
  const { page, context, consoleErrors, outsideRequests } = await file.h.open();
  await page.setViewportSize({ width: 1440, height: 900 });
  await waitForEditor(page);
  await setEditorText(page, FILL);
  await page.getByRole('tab', { name: 'Input' }).click();
  await page.getByRole('spinbutton', { name: 'Repeat' }).fill('100000');
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await until(async () => (await appState(page, 'snap.state')) === 'exited' && (await appState(page, 'busy')) === 'idle', 120_000, 'the 100,000 runs');
  console.log(`[timing] 100,000 runs filling the map: ${Date.now() - t0} ms`);
  const maps = page.getByRole('region', { name: 'Maps', exact: true });
  const id = (await appState<{ id: number; name: string }[]>(page, 'maps')).find((m) => m.name === 'big')!.id;
  await maps.getByRole('combobox', { name: 'Map', exact: true }).selectOption(String(id));
  const table = maps.getByRole('table', { name: 'Entries of big' });
  await until(async () => (await table.getAttribute('aria-rowcount')) === '100001', 10_000, '100,000 rows');
  const rendered = await table.getByRole('row').count();
  expect(rendered).toBeLessThan(200);
  const t1 = Date.now();
  await maps.locator('.escroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
  const last = table.locator('[aria-rowindex="100001"]');
  await until(async () => (await last.count()) === 1 && !(await last.innerText()).includes('…'), 10_000, 'the last entry');
  console.log(`[timing] scroll to the 100,000th entry and render it: ${Date.now() - t1} ms`);
  expect(await table.getByRole('row').count()).toBeLessThan(200);
  expect(consoleErrors).toEqual([]);
  expect(outsideRequests).toEqual([]);
  await context.close();
});
