/**
 * The page of the browser replay bench: starts the worker, asks it for `rounds` replays of
 * `packets` packets (the query string says how many), and leaves its answer in `window.replay`.
 */
const params = new URLSearchParams(location.search);
const worker = new Worker(new URL('./replay-worker.ts', import.meta.url), { type: 'module' });
(window as unknown as { replay: Promise<unknown> }).replay = new Promise((resolve) => {
  worker.onmessage = (e: MessageEvent) => resolve(e.data);
  worker.onerror = (e) => resolve({ error: e.message });
});
worker.postMessage({ packets: Number(params.get('packets') ?? 100000), rounds: Number(params.get('rounds') ?? 3) });
