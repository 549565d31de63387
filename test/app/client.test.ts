/**
 * The app's engine client over a real Session behind a MessageChannel (a stand-in for the worker):
 * typed calls, errors as values when the engine throws or dies, halt() restarting an engine
 * that does not answer, and the watchdog restarting one that went silent by itself.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { expose } from 'comlink';
import { EngineClient, type RestartNotice, type Watchdog } from '../../app/engine/client';
import { Session } from '../../src/session';
import { PROTOCOL_VERSION } from '../../src/protocol';

/** A Worker-shaped end of a MessageChannel whose other end serves `target` with Comlink. */
class FakeWorker extends EventTarget {
  readonly port: MessagePort;
  terminated = false;
  constructor(target: object) {
    super();
    const ch = new MessageChannel();
    this.port = ch.port1;
    expose(target, ch.port2 as unknown as Parameters<typeof expose>[1]);
    this.port.addEventListener('message', (e) => this.dispatchEvent(new MessageEvent('message', { data: (e as MessageEvent).data })));
    this.port.start();
  }
  postMessage(data: unknown, transfer?: Transferable[]): void {
    if (!this.terminated) this.port.postMessage(data, transfer ?? []);
  }
  terminate(): void {
    this.terminated = true;
    this.port.close();
  }
}

const clients: EngineClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.dispose();
});

function client(make: () => object, watchdog: Watchdog | null = null, deferred = false): { c: EngineClient; workers: FakeWorker[] } {
  const workers: FakeWorker[] = [];
  const c = new EngineClient(
    () => {
      const w = new FakeWorker(make());
      workers.push(w);
      return w as unknown as Worker;
    },
    watchdog,
    deferred,
  );
  clients.push(c);
  return { c, workers };
}

const ready = (c: EngineClient) =>
  new Promise<void>((resolve) => {
    if (c.status.kind === 'ready') resolve();
    const off = c.onStatus((s) => {
      if (s.kind === 'ready') {
        off();
        resolve();
      }
    });
  });

describe('EngineClient', () => {
  test('greets the engine and calls it with typed, cloned data', async () => {
    const { c } = client(() => new Session());
    await ready(c);
    expect(c.status.kind).toBe('ready');
    const r = await c.api.assemble({ text: 'r0 = 1\nexit\n', syntax: 'auto' });
    expect(r.ok && r.value.ok && r.value.program.slots).toBe(2);
  });

  test('a deferred client starts its worker at start() or at its first call, once', async () => {
    const { c, workers } = client(() => new Session(), { everyMs: 5, silentMs: () => 1000 }, true);
    // the watchdog looks, halt() has nothing to interrupt: neither starts the worker
    await new Promise((r) => setTimeout(r, 30));
    expect(await c.halt()).toBe('interrupted');
    expect(workers.length).toBe(0);
    expect(c.status.kind).toBe('starting');
    c.start();
    c.start();
    expect(workers.length).toBe(1);
    await ready(c);

    const late = client(() => new Session(), null, true);
    expect(late.workers.length).toBe(0);
    const r = await late.c.api.assemble({ text: 'r0 = 1\nexit\n', syntax: 'auto' });
    expect(r.ok && r.value.ok && r.value.program.slots).toBe(2);
    expect(late.workers.length).toBe(1);
    await ready(late.c);
  });

  test('an exception in the engine comes back as an internal error value', async () => {
    const broken = { hello: async () => ({ protocol: PROTOCOL_VERSION, settings: {}, progTypes: [] }), shell: async () => { throw new Error('boom'); } };
    const { c } = client(() => broken);
    const r = await c.api.shell('ls');
    expect(r).toEqual({ ok: false, error: { code: 'internal', message: 'engine error in shell: boom' } });
  });

  test('a worker of another protocol version is refused', async () => {
    const { c } = client(() => ({ hello: async () => ({ protocol: 999, settings: {}, progTypes: [] }) }));
    await new Promise<void>((r) => c.onStatus((s) => s.kind === 'failed' && r()));
    expect(c.status).toMatchObject({ kind: 'failed', message: expect.stringContaining('999') });
  });

  test('halt restarts an engine that does not answer, and pending calls resolve with an error', async () => {
    let n = 0;
    const hanging = () => ({
      hello: async () => ({ protocol: PROTOCOL_VERSION, settings: {}, progTypes: [] }),
      interrupt: () => new Promise(() => {}),
      continue: () => new Promise(() => {}),
      id: ++n,
    });
    const { c, workers } = client(hanging);
    await ready(c);
    const notices: RestartNotice[] = [];
    c.onRestart((x) => notices.push(x));
    const pending = c.api.continue({ breakpoints: [] });
    const how = await c.halt(20);
    expect(how).toBe('restarted');
    const r = await pending;
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('internal');
    expect(workers[0].terminated).toBe(true);
    expect(workers).toHaveLength(2);
    await ready(c);
    await new Promise((r2) => setTimeout(r2, 10));
    expect(notices.map((x) => x.reason)).toEqual(['stop']);
  });

  test('halt of an engine that answers only interrupts it', async () => {
    const { c, workers } = client(() => new Session());
    await ready(c);
    expect(await c.halt(500)).toBe('interrupted');
    expect(workers).toHaveLength(1);
  });

  test('the watchdog replaces a worker that stops answering, once, and says so', async () => {
    let made = 0;
    let hung = false;
    const { c, workers } = client(() => {
      const first = made++ === 0;
      return {
        hello: () => Promise.resolve({ protocol: PROTOCOL_VERSION, settings: {}, progTypes: [] }),
        ping: () => (first && hung ? new Promise(() => {}) : Promise.resolve(true)),
        continue: () => new Promise(() => {}),
      };
    }, { everyMs: 5, silentMs: () => 100 });
    await ready(c);
    const notices: RestartNotice[] = [];
    const restarted = new Promise<void>((r) => c.onRestart((x) => (notices.push(x), r())));
    const pending = c.api.continue({ breakpoints: [] });
    hung = true; // the worker is busy for ever from now on (or died without an error event)
    await restarted;
    expect(notices).toEqual([{ reason: 'silent', message: expect.stringMatching(/^The engine stopped answering for \d+ s, so it was restarted; your text, settings and pins are kept/) }]);
    expect(workers[0].terminated).toBe(true);
    const r = await pending;
    expect(!r.ok && r.error.code).toBe('internal');
    // the new worker answers: it is kept, however long we watch
    for (let i = 0; i < 40; i++) await new Promise((r2) => setTimeout(r2, 5));
    expect(workers).toHaveLength(2);
    expect(workers[1].terminated).toBe(false);
    expect(c.status).toMatchObject({ kind: 'ready', restarts: 1 });
  });

  test('an engine busy with a long run answers between its chunks and is never replaced', async () => {
    // silent for 100 ms during the run is too long: the run takes far longer, so only answers between
    // chunks keep it (before the run, a loaded machine may take longer than that to load: not the point)
    let silentMs = 30_000;
    const { c, workers } = client(() => new Session(), { everyMs: 5, silentMs: () => silentMs });
    await ready(c);
    expect((await c.api.configure({ verify: false, timeLimitMs: 2000, budget: 100_000_000 })).ok).toBe(true);
    const load = await c.api.load({ text: 'r0 = 0\nloop:\nr0 += 1\ngoto loop\n', syntax: 'llvm', progType: 1, logLevel: 0, logSize: 0, privileged: true });
    expect(load.ok && load.value.ok).toBe(true);
    expect((await c.api.debugStart({ packet: new Uint8Array(60) })).ok).toBe(true);
    silentMs = 100;
    const r = await c.api.continue({ breakpoints: [] });
    // it ends at the time limit, or at the budget if the machine runs 1e8 instructions sooner
    expect(r.ok && (r.value.limit?.limit === 'time' || r.value.snapshot.state === 'budget')).toBe(true);
    expect(workers).toHaveLength(1);
    expect(workers[0].terminated).toBe(false);
  });
});
