/**
 * After the first paint: what the page does not need to show its first frame (Monaco, xterm, the
 * engine's worker) starts from here, so it does not compete with that frame for the network and
 * the CPU.
 */
import { useEffect, useState } from 'react';

/** Calls `f` once the frame being prepared now has been painted. */
export function afterPaint(f: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const frame = requestAnimationFrame(() => (timer = setTimeout(f, 0)));
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}

/** False until the frame after the component's first commit has been painted. */
export function useAfterPaint(): boolean {
  const [after, setAfter] = useState(false);
  useEffect(() => afterPaint(() => setAfter(true)), []);
  return after;
}
