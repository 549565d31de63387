/**
 * The 102 tests of Linux 4.8's verifier suite (test/data/verifier/tests.json): verdict, errno and
 * the whole log, byte for byte, privileged and unprivileged, against the reproduced 4.8 runs.
 */
import { describe, expect, test } from 'vitest';
import { errnoName } from '../../src/isa';
import { verify } from '../../src/verifier';
import { loadSuite, suiteRequest } from './support';

const suite = loadSuite();

describe.each([
  ['priv', true],
  ['unpriv', false],
] as const)('4.8 suite, %s', (mode, privileged) => {
  test.each(suite.map((t) => [t.index, t.name, t] as const))('%i %s', (_i, _name, t) => {
    const want = t.v4_8_reproduced[mode];
    const got = verify(suiteRequest(t, privileged), { analysis: false });
    expect(got.ok ? 'OK' : errnoName(got.errno)).toBe(want.errno);
    expect(got.log).toBe(want.log);
  });
});
