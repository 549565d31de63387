import { useEffect, useRef, type RefObject } from 'react';

/** A <dialog>'s ref that opens it modally whenever `show` becomes truthy; it closes itself (Escape, its Close button). */
export function useModal(show: unknown): RefObject<HTMLDialogElement | null> {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (show && d && !d.open) d.showModal();
  }, [show]);
  return ref;
}
