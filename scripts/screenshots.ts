/**
 * Screenshots of the IDE's main views for the README, taken from the built app in Chromium:
 *   npx vite build && npx tsx scripts/screenshots.ts
 * writes docs/screenshots/{debugger,verifier,maps-terminal,graph,show-run}.png.
 */
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { appState, setEditorText, showTerminal, startHarness, until, waitForEditor } from '../test/browser/harness';
import { EXAMPLE_PROGRAM } from '../app/store/example';
import { CLASSICS } from '../test/insight/classics';

/** A socket filter that reads the stack on one branch only: three paths, the third refused. */
const GRAPH_PROGRAM = `# The verifier's walk: two branches pushed, the third path refused
.type socket_filter
  r2 = *(u32 *)(r1 +0)      # skb->len
  r0 = 0
  if r2 > 10 goto big
  exit
big:
  if r2 > 100 goto huge
  exit
huge:
  r0 = *(u64 *)(r10 -8)     # nothing wrote fp-8 on this path
  exit
`;

const OUT = 'docs/screenshots';

async function settle(page: Page): Promise<void> {
  await until(async () => (await appState(page, 'busy')) === 'idle', 20_000, 'the IDE to settle');
  await page.waitForTimeout(300);
}

async function theme(page: Page, want: 'light' | 'dark'): Promise<void> {
  const now = await page.evaluate(() => document.documentElement.dataset.theme);
  if (now !== want) await page.getByRole('switch', { name: 'Dark theme' }).click();
  await until(async () => (await page.evaluate(() => document.documentElement.dataset.theme)) === want, 5000, `the ${want} theme`);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const h = await startHarness();
  try {
    const { page } = await h.open();
    await page.setViewportSize({ width: 1600, height: 940 });
    await waitForEditor(page);
    await theme(page, 'dark');

    // the debugger mid-run: registers, stack, packet, the current line with its verifier types
    await setEditorText(page, EXAMPLE_PROGRAM);
    await page.locator('.monaco-editor .view-lines').click();
    for (let i = 0; i < 13; i++) {
      await page.keyboard.press('F10');
      await settle(page);
    }
    await page.screenshot({ path: `${OUT}/debugger.png` });
    await page.getByRole('button', { name: 'Stop', exact: true }).click();

    // the verifier refusing a missing null check, explained
    await setEditorText(
      page,
      '# The verifier insists on a NULL check after a map lookup\n.type socket_filter\n.map m array key=4 value=8 entries=1\n\n    *(u32 *)(r10 -4) = 0\n    r2 = r10\n    r2 += -4\n    r1 = map[m] ll\n    call bpf_map_lookup_elem\n    r0 = *(u64 *)(r0 +0)       # r0 may be NULL here\n    exit\n',
    );
    await page.getByRole('button', { name: 'Load', exact: true }).click();
    await settle(page);
    await page.screenshot({ path: `${OUT}/verifier.png` });

    // "show me a run" on a packet read without a range check: the run that the verifier prevented
    await setEditorText(page, CLASSICS.find((c) => c.id === 'packet-off-by-one')!.source);
    await page.getByRole('button', { name: 'Load', exact: true }).click();
    await settle(page);
    await page.getByRole('button', { name: 'Show me a run' }).click();
    await until(async () => (await appState(page, 'witness')) !== null && !(await appState<boolean>(page, 'searching')), 30_000, 'the search');
    await settle(page);
    await page.screenshot({ path: `${OUT}/show-run.png` });
    await page.getByRole('button', { name: 'Stop', exact: true }).click();

    // the exploration graph of a refused program with branches: the refused path in red
    await setEditorText(page, GRAPH_PROGRAM);
    await page.getByRole('button', { name: 'Load', exact: true }).click();
    await settle(page);
    await page.getByRole('button', { name: 'Graph', exact: true }).click();
    await page.locator('.graph-pane[data-ready="true"]').waitFor({ timeout: 60_000 });
    await page.locator('.gblock.refused').click();
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${OUT}/graph.png` });
    await page.getByRole('button', { name: 'Restore Exploration graph', exact: true }).click();
    await page.getByRole('button', { name: 'Collapse Exploration graph', exact: true }).click();

    // maps live after runs, and the kernel's shell, in the light theme
    await theme(page, 'light');
    await setEditorText(page, EXAMPLE_PROGRAM);
    await page.getByRole('tab', { name: 'Input' }).click();
    await page.getByRole('spinbutton', { name: 'Repeat' }).fill('3');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await settle(page);
    await showTerminal(page);
    await page.locator('.xterm').click();
    for (const cmd of ['bpftool map show', 'bpftool map dump id 3']) {
      await page.keyboard.type(cmd);
      await page.keyboard.press('Enter');
      await page.waitForTimeout(300);
    }
    await page.getByRole('tab', { name: 'This step' }).click();
    await page.screenshot({ path: `${OUT}/maps-terminal.png` });
    console.log(`screenshots written to ${OUT}/`);
  } finally {
    await h.close();
  }
}

await main();
