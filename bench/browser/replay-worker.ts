/**
 * The browser side of the replay bench: the same replay as in Node (bench/replay-core.ts) in a
 * dedicated worker, as the IDE's engine runs it. Answers the best round's milliseconds.
 */
import { replayOnce, udpCapture } from '../replay-core';

self.onmessage = (e: MessageEvent<{ packets: number; rounds: number }>) => {
  try {
    const capture = udpCapture(e.data.packets);
    let best = Infinity;
    let counts: { name: string; count: number }[] = [];
    for (let r = 0; r < e.data.rounds; r++) {
      const one = replayOnce(capture, () => performance.now());
      best = Math.min(best, one.ms);
      counts = one.counts;
    }
    self.postMessage({ ms: best, counts, userAgent: navigator.userAgent });
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};
