import { afterAll, beforeAll, expect, test } from 'vitest';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

test('the built app loads with no console errors and no request leaving 127.0.0.1', async () => {
  const { page, consoleErrors, outsideRequests, context } = await h.open();
  await expect(page.getByRole('heading', { name: 'bpflab' })).toBeDefined();
  await page.getByRole('heading', { name: 'bpflab' }).waitFor();
  expect(await page.title()).toBe('bpflab');
  expect(consoleErrors).toEqual([]);
  expect(outsideRequests).toEqual([]);
  await context.close();
});
