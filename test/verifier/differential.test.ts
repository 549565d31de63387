/**
 * Differential test against this machine's kernel (../shared/tools/kernel-oracle, Linux 6.18 as
 * root): random socket filters in the 4.8 instruction set (generator mode 'diff', which keeps to
 * what both kernels judge alike) that the host accepts must be accepted by bpflab too, unless
 * FACTS.md §23 explains the difference. Those exceptions are listed below, each with the §23
 * text it rests on; anything else is a failure. Skipped with the reason when the oracle cannot
 * answer.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { Class, MAP_TYPE_NAMES, ProgType, readRaw, slotsToHex, type RawInsn } from '../../src/isa';
import { helperFor, verify, type StateView } from '../../src/verifier';
import { generate, type GenMap } from './gen';
import { MAP_SPECS } from './soundness';
import { fakeMap, request } from './support';
import { sharedPath } from '../support/shared';

const ORACLE = sharedPath('tools/kernel-oracle');
/** programs per run; BPFLAB_DIFF_COUNT and BPFLAB_DIFF_SEED widen a run by hand */
const COUNT = Number(process.env.BPFLAB_DIFF_COUNT ?? 400);
const SEED = Number(process.env.BPFLAB_DIFF_SEED ?? 0xd1ff);

const MAPS: GenMap[] = MAP_SPECS.map((m, i) => ({ fd: 20 + i, ...m }));
const fakes = new Map(MAPS.map((m, i) => [m.fd, fakeMap(m.type, m.keySize, m.valueSize, m.maxEntries, 0xffff88003a5c0000n + BigInt(i) * 0x800n, i + 1)]));

/** The refused instruction and the state before it. */
interface At {
  insn: RawInsn;
  state: StateView | null;
}

/** The stack slot an LDX through fp (or a stack pointer) reads, as the analysis shows it. */
function slotRead(at: At) {
  const { insn, state } = at;
  if (!state || (insn.code & 0x07) !== Class.LDX) return undefined;
  const base = state.regs.find((r) => r.reg === insn.src);
  const off = insn.off + (base?.type === 'PTR_TO_STACK' ? Number(base.value) : 0);
  return state.stack.find((sl) => off >= sl.off && off < sl.off + 8);
}

/** Where 4.8 refuses and 6.18 accepts for a reason FACTS.md §23 gives. */
const EXCEPTIONS: { why: string; applies: (message: string, at: At) => boolean }[] = [
  {
    why: '§23: reading uninitialised stack (directly or as helper key/value/buffer): 6.x lets CAP_PERFMON programs read uninitialised stack',
    applies: (m) => /^invalid (indirect )?read from stack off -?\d+\+\d+ size \d+$/.test(m),
  },
  {
    why: '§23: the "corrupted spill" test 26 (a partly overwritten spill reads back as data on 6.x, whatever the size)',
    applies: (m, at) => {
      if (m === 'corrupted spill memory') return true;
      const slot = slotRead(at);
      return m === 'invalid size of register spill' && slot !== undefined && slot.bytes.includes('s') && slot.bytes.includes('m');
    },
  },
  {
    why: '§23: narrow (u8/u16) loads of __sk_buff fields (4.13)',
    applies: (m) => /^invalid bpf_context access off=\d+ size=[12]$/.test(m),
  },
  {
    why: '§23: helpers not offered to a type in 4.8 (e.g. skb_load_bytes or get_current_task in a socket filter)',
    applies: (m) => {
      const id = /^unknown func (\d+)$/.exec(m)?.[1];
      return id !== undefined && helperFor(ProgType.SocketFilter, Number(id), true) === null;
    },
  },
];

interface Answer {
  available?: boolean;
  why?: string;
  request_error?: string;
  load?: { ok: boolean; errno: number; error: string | null };
}

/** All answers, or why the oracle cannot give them. */
function ask(reqs: object[]): Answer[] | string {
  if (!existsSync(ORACLE)) return `${ORACLE} not found`;
  let out: string;
  try {
    out = execFileSync(ORACLE, ['-'], { input: reqs.map((r) => JSON.stringify(r)).join('\n'), encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  } catch (e) {
    out = (e as { stdout?: string }).stdout ?? '';
    if (!out) return `kernel-oracle failed: ${String(e).slice(0, 200)}`;
  }
  const lines = out.trim().split('\n');
  let answers: Answer[];
  try {
    answers = lines.length === reqs.length ? lines.map((l) => JSON.parse(l) as Answer) : [JSON.parse(out) as Answer];
  } catch {
    return `kernel-oracle answered no JSON: ${out.slice(0, 200)}`;
  }
  if (answers[0]?.available === false) return `kernel-oracle is not available: ${answers[0].why}`;
  if (answers.length !== reqs.length) return `kernel-oracle answered ${answers.length} of ${reqs.length} requests`;
  return answers;
}

const programs = Array.from({ length: COUNT }, (_, i) => generate(SEED + i * 7919, { progType: ProgType.SocketFilter, privileged: true, maps: MAPS, mode: 'diff' }));
const answers = ask(
  programs.map((p) => ({
    prog_type: 'socket_filter',
    insns: slotsToHex(p.bytes),
    log_level: 0,
    maps: MAPS.map((m) => ({ name: m.name, type: MAP_TYPE_NAMES[m.type], key_size: m.keySize, value_size: m.valueSize, max_entries: m.maxEntries })),
    map_fixups: p.fixups,
  })),
);
const skip = typeof answers === 'string' ? answers : null;

describe.skipIf(skip !== null)(`random socket filters against the host kernel${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const rows = programs.map((p, i) => {
    const host = (answers as Answer[])[i];
    const v = verify(request(p.bytes, { resolveMapFd: (fd) => fakes.get(fd) ?? 'EBADF' }));
    const message = v.log.trimEnd().split('\n').pop() ?? '';
    const a = v.analysis!;
    const last = a.visits[a.visits.length - 1];
    const at: At = { insn: readRaw(p.bytes, a.error?.pc ?? 0), state: last?.state ?? null };
    return { i, p, host, v, message, at };
  });

  test('the host answered every request', () => {
    expect(rows.filter((r) => r.host.request_error || !r.host.load)).toEqual([]);
  });

  test('whatever the host accepts, bpflab accepts, or FACTS §23 explains why not', () => {
    const unexplained = rows
      .filter((r) => r.host.load?.ok && !r.v.ok && !EXCEPTIONS.some((e) => e.applies(r.message, r.at)))
      .map((r) => `#${r.i}: bpflab "${r.message}"\n  ${slotsToHex(r.p.bytes).join(' ')}`);
    expect(unexplained).toEqual([]);
  });

  test('the comparison is not vacuous: both kernels accept many programs, and the exceptions are met', () => {
    expect(rows.filter((r) => r.host.load?.ok && r.v.ok).length).toBeGreaterThan(COUNT * 0.2);
    expect(rows.filter((r) => r.host.load?.ok && !r.v.ok).length).toBeGreaterThan(0);
  });
});
