/** An engine call's value, or a test failure naming the error's code and message. */
import type { Outcome } from '../../src/protocol';

export const value = <T>(o: Outcome<T>): T => {
  if (!o.ok) throw new Error(`${o.error.code}: ${o.error.message}`);
  return o.value;
};
