/**
 * docs/limits.md says, for every reader, the limit and the exact message given when it is
 * reached. This test reaches a sample of those limits for real and checks that the message the
 * code gives is one the document states (with N, M, I, O, FIELD… standing for the numbers and
 * names of the input), and that the document's numbers are the code's.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/protocol/limits';
import { SHARED_LIMITS } from '../../src/protocol/shared';
import { decodeShare, MAX_FRAGMENT_LENGTH, MAX_INFLATED_BYTES } from '../../src/share';
import { readBpfObject } from '../../src/elf';
import { MAX_MAPS, MAX_OBJECT_SLOTS } from '../../src/elf/object';
import { MAX_NAME_BYTES, MAX_OBJECT_BYTES, MAX_SECTIONS } from '../../src/elf/reader';
import { CAPTURE_LIMITS } from '../../src/pcap/types';
import { parseCapture } from '../../src/pcap';
import { parseRequest, MAX_REQUEST_INSNS, MAX_RUN_BYTES, MAX_OBJECTS, MAX_ENTRIES_PER_MAP } from '../../src/session/request-schema';
import { progTypeInfos } from '../../src/kernel/progtypes';
import { PERF_DEFAULT_PAGES, PERF_MAX_PAGES } from '../../src/kernel/perf-ring';
import { TRACE_BUF_SIZE } from '../../src/kernel/trace';
import { TYPICAL } from '../share/arbitrary';
import { wrap } from '../support/share-links';
import { EXEC, SHT, writeElf } from '../elf/writer';
import { writePcap } from '../pcap/writer';

const DOC = readFileSync(new URL('../../docs/limits.md', import.meta.url), 'utf8');

/** Every `code` span of the document's tables, as a pattern: capitals and ellipses match anything. */
const TEMPLATES = [...DOC.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]).filter((t) => / /.test(t));
const PLACEHOLDER = /\b(?:N|M|I|O|B|S|i|j|FIELD|WHAT|SECTION|BUDGET|RULE)\b|…/g;
const patternOf = (t: string): RegExp =>
  new RegExp(`^${t.split(PLACEHOLDER).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+?')}$`);
const PATTERNS = TEMPLATES.map((t) => ({ t, re: patternOf(t) }));

/** The template of the document a message matches, or the message itself (so that a failure shows it). */
function documented(message: string): string {
  return PATTERNS.find((p) => p.re.test(message))?.t ?? `undocumented: ${message}`;
}

const TYPES = progTypeInfos();
const shareError = (patch: (s: Record<string, unknown>) => void): string => {
  const s = JSON.parse(JSON.stringify(TYPICAL)) as Record<string, unknown>;
  patch(s);
  const r = decodeShare(wrap(JSON.stringify(s)), TYPES);
  return r.ok ? 'opened' : r.error;
};
const requestError = (v: unknown): string => {
  const r = parseRequest(v);
  return typeof r === 'string' ? r : 'accepted';
};
const objectError = (bytes: Uint8Array): string => {
  const r = readBpfObject(bytes);
  return r.ok ? 'read' : r.error;
};

describe('docs/limits.md', () => {
  it('states the numbers the code uses', () => {
    const figures = [
      LIMITS.steps.default, LIMITS.steps.ceiling, MAX_FRAGMENT_LENGTH, MAX_INFLATED_BYTES, SHARED_LIMITS.source,
      SHARED_LIMITS.entriesPerMap, SHARED_LIMITS.repeat, SHARED_LIMITS.budget, MAX_OBJECT_BYTES, MAX_SECTIONS, MAX_NAME_BYTES,
      MAX_OBJECT_SLOTS, MAX_MAPS, CAPTURE_LIMITS.fileBytes, CAPTURE_LIMITS.packets, CAPTURE_LIMITS.packetBytes,
      CAPTURE_LIMITS.blockBytes, CAPTURE_LIMITS.interfaces, MAX_REQUEST_INSNS, MAX_RUN_BYTES, MAX_OBJECTS, MAX_ENTRIES_PER_MAP,
      LIMITS.requestTimeMs.ceiling, TRACE_BUF_SIZE, PERF_MAX_PAGES,
    ];
    const text = DOC.replace(/,(?=\d{3})/g, '');
    for (const n of figures) expect(text, `${n} in docs/limits.md`).toMatch(new RegExp(`\\b${n}\\b`));
    expect(DOC).toMatch(`${PERF_DEFAULT_PAGES} data pages`);
  });

  it('gives the share link refusals it states', () => {
    const messages = [
      decodeShare(`v1.${'A'.repeat(MAX_FRAGMENT_LENGTH)}`, TYPES),
      decodeShare(wrap(' '.repeat(MAX_INFLATED_BYTES + 1)), TYPES),
    ].map((r) => (r.ok ? 'opened' : r.error));
    messages.push(
      shareError((s) => (s.source = 'r0 = 0\n'.repeat(SHARED_LIMITS.source))),
      shareError((s) => ((s.settings as Record<string, unknown>).budget = SHARED_LIMITS.budget + 1)),
      shareError((s) => ((s.settings as Record<string, unknown>).ncpus = 65)),
      shareError((s) => (s.step = (s.settings as { budget: number }).budget + 1)),
      shareError((s) => (s.breakpoints = Array.from({ length: SHARED_LIMITS.breakpoints + 1 }, (_, i) => i + 1))),
      shareError((s) => ((s.input as Record<string, unknown>).packet = '00'.repeat(SHARED_LIMITS.input + 1))),
      shareError((s) => ((s.input as Record<string, unknown>).repeat = SHARED_LIMITS.repeat + 1)),
    );
    for (const m of messages) expect(documented(m)).not.toMatch(/^undocumented/);
  });

  it('gives the object, capture and request refusals it states', () => {
    const messages = [
      objectError(new Uint8Array(MAX_OBJECT_BYTES + 1)),
      objectError(writeElf({ sections: [{ name: 'socket', type: SHT.PROGBITS, flags: EXEC, data: new Uint8Array((MAX_OBJECT_SLOTS + 1) * 8) }] })),
      objectError(writeElf({ sections: [{ name: 's'.repeat(MAX_NAME_BYTES + 1), type: SHT.PROGBITS, flags: EXEC, data: new Uint8Array(8) }] })),
      requestError({ insns: Array(MAX_REQUEST_INSNS + 1).fill('95') }),
      requestError({ insns: [], run: { data: '00'.repeat(MAX_RUN_BYTES + 1) } }),
      requestError({ insns: [], maps: Array(MAX_OBJECTS + 1).fill({}) }),
      requestError({ insns: [], run: { time_limit_ms: LIMITS.requestTimeMs.ceiling + 1 } }),
    ];
    const packet = { data: new Uint8Array(CAPTURE_LIMITS.packetBytes + 1), timestampNs: 0n, originalLength: CAPTURE_LIMITS.packetBytes + 1 };
    const capture = parseCapture(writePcap([packet], { le: true, nano: false }));
    messages.push(capture.ok ? 'read' : capture.error);
    for (const m of messages) expect(documented(m)).not.toMatch(/^undocumented/);
  });
});
