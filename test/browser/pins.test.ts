/**
 * Pinned data is never lost silently, in the page: a per-CPU array pinned at 2 CPUs does not fit
 * at 16 (64 MiB of map memory), so the Maps panel lists its pin as unavailable with the reason
 * (also after a reload); at 2 CPUs again it is back with its contents; Remove asks first, and
 * only "Remove for good" deletes it.
 */
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations, setTheme } from './a11y-support';
import { appState, closeSettings, harnessForFile, idle, openSettings, setEditorText, until, waitForEditor, shell } from './harness';

const file = harnessForFile();

const BIG = '.type socket_filter\n.map big percpu_array key=4 value=8 entries=600000\n.entry big key=07000000 value=0505050505050505\nr0 = 0\nexit\n';
const PLAIN = '.type socket_filter\nr0 = 0\nexit\n';
const REASON = "unavailable: ENOMEM: the map does not fit in the kernel's 64 MiB of map memory at this CPU count (it was pinned at 2 CPUs)";


async function loadAt(page: Page, cpus: number): Promise<void> {
  await openSettings(page);
  await page.getByRole('spinbutton', { name: 'CPUs' }).fill(String(cpus));
  await closeSettings(page);
  await until(async () => (await appState<number>(page, 'engineSettings.ncpus')) === cpus, 5000, `${cpus} CPUs in the settings`);
  const before = await appState(page, 'load');
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await until(async () => (await appState(page, 'load')) !== before && (await appState<boolean>(page, 'load.ok')) === true && (await idle(page)), 30_000, `the load at ${cpus} CPUs`);
}

test('the Maps panel lists a pin that does not fit, with the reason; it comes back where it fits; Remove asks first', async () => {
  const { page, context, consoleErrors, outsideRequests } = await file.h.open();
  await page.setViewportSize({ width: 1440, height: 900 });
  await waitForEditor(page);
  await setEditorText(page, BIG);
  await loadAt(page, 2);
  const id = (await appState<{ id: number; name: string }[]>(page, 'maps')).find((m) => m.name === 'big')!.id;
  await shell(page, `bpftool map pin id ${id} /sys/fs/bpf/big`, `# bpftool map pin id ${id} /sys/fs/bpf/big`);
  await until(async () => (await appState<{ pins: string[] }[]>(page, 'maps')).some((m) => m.pins.includes('/sys/fs/bpf/big')), 10_000, 'the pin');

  const maps = page.getByRole('region', { name: 'Maps', exact: true });
  const pins = maps.getByRole('region', { name: 'Unavailable pins' });
  await setEditorText(page, PLAIN);
  await loadAt(page, 16);
  await pins.waitFor({ timeout: 10_000 });
  expect(await pins.innerText()).toContain('/sys/fs/bpf/big');
  expect(await pins.innerText()).toContain(REASON);
  expect(await pins.innerText()).toContain('it comes back in a kernel where it fits');
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, theme);
    expect(await axeViolations(page), `the unavailable pins, ${theme} theme`).toEqual([]);
  }

  // still listed after a reload (the pin stays stored while it does not fit)
  await page.reload();
  await waitForEditor(page);
  await pins.waitFor({ timeout: 10_000 });
  expect(await pins.innerText()).toContain(REASON);

  // fewer CPUs: the map is back, with its pin and contents, and the list is gone
  await loadAt(page, 2);
  await until(async () => (await pins.count()) === 0, 10_000, 'the unavailable list to go');
  const back = (await appState<{ id: number; name: string; pins: string[] }[]>(page, 'maps')).find((m) => m.pins.includes('/sys/fs/bpf/big'));
  expect(back).toBeDefined();
  await shell(page, `bpftool map lookup pinned /sys/fs/bpf/big key 7 0 0 0`, 'value (CPU 00): 05 05 05 05 05 05 05 05');

  // where it does not fit, Remove asks; Keep keeps it, Remove for good deletes it
  await loadAt(page, 16);
  await pins.waitFor({ timeout: 10_000 });
  await pins.getByRole('button', { name: 'Remove /sys/fs/bpf/big' }).click();
  const dialog = page.getByRole('dialog', { name: 'Remove /sys/fs/bpf/big' });
  await dialog.waitFor();
  expect(await axeViolations(page), 'the Remove confirmation').toEqual([]);
  await dialog.getByRole('button', { name: 'Keep it' }).click();
  await until(async () => (await dialog.count()) === 0, 5000, 'the dialog to close');
  expect(await pins.innerText()).toContain('/sys/fs/bpf/big');
  await pins.getByRole('button', { name: 'Remove /sys/fs/bpf/big' }).click();
  await dialog.getByRole('button', { name: 'Remove for good' }).click();
  await until(async () => (await pins.count()) === 0, 10_000, 'the pin to be removed');
  await loadAt(page, 2);
  expect((await appState<{ pins: string[] }[]>(page, 'maps')).some((m) => m.pins.length > 0)).toBe(false);
  // bpffs lists nothing: the lines between the command and the next prompt are empty
  const listed = /# ls \/sys\/fs\/bpf\n((?:(?!#).*\n)*?)#/;
  const after = await shell(page, 'ls /sys/fs/bpf', listed);
  expect(listed.exec(after)![1].trim()).toBe('');
  expect(await appState(page, 'unavailablePins')).toEqual([]);

  expect(consoleErrors).toEqual([]);
  expect(outsideRequests).toEqual([]);
  await context.close();
});
