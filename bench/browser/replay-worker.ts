/**
 * The browser side of the replay bench: the same replay as in Node (bench/replay-core.ts) in a
 * dedicated worker, as the IDE's engine runs it. Answers the best round's milliseconds and every round's.
 */
import { replayOnce, udpCapture } from '../replay-core';

self.onmessage = (e: MessageEvent<{ packets: number; rounds: number }>) => {
  try {
    const capture = udpCapture(e.data.packets);
    const all: number[] = [];
    let counts: { name: string; count: number }[] = [];
    for (let r = 0; r < e.data.rounds; r++) {
      const one = replayOnce(capture, () => performance.now());
      all.push(one.ms);
      counts = one.counts;
    }
    self.postMessage({ ms: Math.min(...all), all, counts, userAgent: navigator.userAgent });
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};
