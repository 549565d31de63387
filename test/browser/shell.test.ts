import { expect, test } from 'vitest';
import { harnessForFile } from './harness';

const file = harnessForFile();

test('the built app loads with no console errors and no request leaving 127.0.0.1', async () => {
  const { page, consoleErrors, outsideRequests, context } = await file.h.open();
  await expect(page.getByRole('heading', { name: 'bpflab' })).toBeDefined();
  await page.getByRole('heading', { name: 'bpflab' }).waitFor();
  expect(await page.title()).toBe('bpflab');
  expect(consoleErrors).toEqual([]);
  expect(outsideRequests).toEqual([]);
  await context.close();
});
