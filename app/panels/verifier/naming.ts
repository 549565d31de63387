/**
 * What a refusal's explanation names beyond the message's arguments: the context field at an
 * offset (from the program type's context as the engine describes it: 4.8's layout, and what the
 * type's is_valid_access allows for each field), the program types that allow what this one
 * refuses, the 4.8 alternatives, the register that holds data_end on the refused path, and the
 * lesson that teaches the rule. All of it comes as data (ProgTypeInfo, the verifier's state);
 * nothing here switches on a program type.
 */
import { fieldAt, helperByName } from '../../../src/isa';
import { statesAt, type LoadResult, type ProgTypeInfo } from '../../../src/protocol';

/** Where the refusal happened, as far as the caller knows it. */
export interface RefusalWhere {
  /** the program type of the load */
  progType?: ProgTypeInfo;
  /** every program type (the alternatives come from them) */
  progTypes?: readonly ProgTypeInfo[];
  /** the refused instruction stores (from its text); undefined when unknown */
  write?: boolean;
  /** the verifier's registers before the refused instruction, on the refused path (absent: not initialised) */
  regs?: readonly { reg: number; type: string }[];
}

/** A lesson an explanation points to (its title is checked against the gallery by a test). */
export interface LessonRef {
  id: string;
  title: string;
}

export const LESSONS = {
  ctxReadonly: { id: 'verifier-ctx-readonly', title: 'Verifier: writing a read-only context field' },
  gplOnly: { id: 'verifier-gpl-only', title: 'Verifier: GPL-only helpers' },
  loop: { id: 'verifier-loop', title: 'Verifier: loops are not allowed' },
  mapBounds: { id: 'verifier-map-bounds', title: 'Verifier: map value out of bounds' },
  nullCheck: { id: 'verifier-null-check', title: 'Verifier: the missing NULL check' },
  packetRange: { id: 'verifier-packet-range', title: 'Verifier: packet access without a range check' },
  pointerLeak: { id: 'verifier-pointer-leak', title: 'Verifier: leaking a pointer when unprivileged' },
  uninitStack: { id: 'verifier-uninit-stack', title: 'Verifier: reading uninitialized stack' },
  unknownFunc: { id: 'verifier-unknown-func', title: 'Verifier: a helper this program may not call' },
  ldAbs: { id: 'ld-abs-parse', title: 'Parse Ethernet and IPv4 with LD_ABS' },
  directAccess: { id: 'tc-direct-access', title: 'Direct packet access in tc: data and data_end' },
  belowRecord: { id: 'verifier-hole-below-record', title: 'A hole in the 4.8 verifier' },
} as const satisfies Record<string, LessonRef>;

interface Named {
  title: string;
  meaning: string;
  fix: string;
  lesson?: LessonRef;
}

/** "a" or "an" before a type's title ("an XDP program"). */
const an = (title: string): string => `${/^(xdp|[aeiou])/i.test(title) ? 'an' : 'a'} ${title}`;
const cap = (x: string): string => x[0].toUpperCase() + x.slice(1);
const list = (xs: readonly string[]): string => (xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`);
const SKB_LOAD_BYTES = helperByName('skb_load_bytes')?.id;

/** How a program of type `t` can read packet bytes without direct access (4.8). */
function packetReadAlternatives(t: ProgTypeInfo): string[] {
  const out: string[] = [];
  if (t.ldAbs) out.push('LD_ABS/LD_IND (`r0 = *(u8 *)skb[N]`; a read past the packet ends the program with r0 = 0)');
  if (SKB_LOAD_BYTES !== undefined && t.helpers.includes(SKB_LOAD_BYTES)) out.push('bpf_skb_load_bytes(skb, offset, stack buffer, length)');
  return out;
}

/** A context access refused by 4.8's is_valid_access, named from the type's context. */
export function namedCtxAccess(off: number, size: number, w: RefusalWhere): Named | undefined {
  const t = w.progType;
  if (!t) return undefined;
  const ctx = t.ctx;
  const verb = w.write === undefined ? 'access' : w.write ? 'write' : 'read';
  const what = `${w.write === undefined ? 'an access' : w.write ? 'a store' : 'a load'} of ${size} byte${size === 1 ? '' : 's'} at offset ${off}`;
  if (ctx.kind === 'record') {
    const why =
      w.write === true
        ? 'a tracepoint record is read-only'
        : off >= 0 && off < ctx.from
          ? `the first ${ctx.from} bytes of the context are where 4.8 keeps a pointer to the probe's registers, not record data`
          : off >= ctx.end
            ? `it is past the ${ctx.end} bytes (PERF_MAX_TRACE_SIZE) a record may have`
            : off % size !== 0
              ? `it is not aligned to its size (${off} % ${size} is not 0)`
              : 'a tracepoint record may only be read';
    return {
      title: `Tracepoint record: ${verb} not allowed`,
      meaning: `${cap(an(t.title))}'s context is the tracepoint's raw record; ${what} is refused: ${why}.`,
      fix: `Read the record's fields with loads aligned to their size, at offsets from ${ctx.from} to ${ctx.end - 1}; copy to the stack what you need to change.`,
      lesson: LESSONS.belowRecord,
    };
  }
  const L = ctx.layout;
  const f = fieldAt(L, off);
  if (off < 0 || off + size > L.size || !f) {
    return {
      title: `Outside struct ${L.name}`,
      meaning: `${cap(an(t.title))}'s context is struct ${L.name} (${L.size} bytes): ${what} is outside it.`,
      fix: `Use the offsets of struct ${L.name}'s fields (the Context panel shows them): ${L.fields.map((x) => `${x.name} at ${x.offset}`).join(', ')}.`,
    };
  }
  const field = `${L.name}->${f.name}`;
  const rights = ctx.fields.find((x) => x.name === f.name)!;
  const at = off === f.offset ? `offset ${off} is ${field}` : `offset ${off} is inside ${field} (${f.size} bytes at offset ${f.offset})`;
  // other types with the same context, or a field of the same name, that allow the access
  const others = (w.progTypes ?? []).filter((o) => o.type !== t.type && o.ctx.kind === 'struct');
  const fieldOf = (o: ProgTypeInfo) => (o.ctx.kind === 'struct' ? o.ctx.fields.find((x) => x.name === f.name) : undefined);
  const packetField = rights.read === 'pkt' || rights.read === 'pkt_end' || others.some((o) => ['pkt', 'pkt_end'].includes(String(fieldOf(o)?.read)));
  if (w.write !== true && rights.read === false) {
    if (packetField) {
      const direct = (w.progTypes ?? []).filter((o) => ['pkt', 'pkt_end'].includes(String(fieldOf(o)?.read))).map((o) => o.name);
      const alt = packetReadAlternatives(t);
      return {
        title: `${field}: no direct packet access in ${an(t.title)}`,
        meaning: `${at[0].toUpperCase()}${at.slice(1)}, the ${f.name === 'data_end' ? 'end' : 'start'} of the packet for direct access, which ${an(t.title)} may not read in 4.8.${alt.length ? ` 4.8 ${t.title}s read the packet with ${list(alt)}.` : ''}`,
        fix: `${alt.length ? `Read the bytes that way, or m` : 'M'}ake it a ${list(direct)} program, where data and data_end give direct access after a range check.`,
        lesson: alt.length && t.ldAbs ? LESSONS.ldAbs : LESSONS.directAccess,
      };
    }
    const readers = others.filter((o) => fieldOf(o)?.read).map((o) => o.name);
    return {
      title: `${field} is not readable in ${an(t.title)}`,
      meaning: `${at[0].toUpperCase()}${at.slice(1)}, which 4.8 does not let ${an(t.title)} read.`,
      fix: readers.length ? `Only ${list(readers)} programs may read it; change the program type or do without the field.` : 'No program type of 4.8 may read it; do without the field.',
    };
  }
  if (w.write === true && !rights.write) {
    const writers = others.filter((o) => fieldOf(o)?.write).map((o) => o.name);
    const writable = ctx.fields.filter((x) => x.write).map((x) => x.name);
    return {
      title: `${field} is read-only in ${an(t.title)}`,
      meaning: `${at[0].toUpperCase()}${at.slice(1)}: ${an(t.title)} may read it but not write it.${writable.length ? ` The fields it may write: ${writable.join(', ')}.` : ` ${cap(an(t.title))} may write no field of its context.`}`,
      fix: writers.length ? `Only ${list(writers)} programs may write ${f.name}; change the program type, or keep the value in a register, the stack or a map.` : 'Keep the value in a register, on the stack or in a map instead.',
      lesson: LESSONS.ctxReadonly,
    };
  }
  // the field is allowed, but not this way: size or alignment
  return {
    title: `${field}: wrong size or alignment`,
    meaning: `${at[0].toUpperCase()}${at.slice(1)}; ${an(t.title)} may ${rights.write ? 'read and write' : 'read'} it with ${f.size}-byte accesses at its start, not ${what}.`,
    fix: `Use a ${f.size}-byte ${w.write ? 'store' : 'load'} (\`*(u${f.size * 8} *)(rX +${f.offset})\`).`,
    lesson: w.write ? LESSONS.ctxReadonly : undefined,
  };
}

/** The register that holds the packet's end on the refused path, or how to get one. */
export function dataEndRegister(w: RefusalWhere, avoid: number): { reg: string; load?: string } {
  const held = w.regs?.find((r) => r.type === 'pkt_end');
  if (held) return { reg: `r${held.reg}` };
  const used = new Set((w.regs ?? []).map((r) => r.reg));
  const free = [3, 4, 5, 2, 6, 7, 8, 9].find((r) => r !== avoid && !used.has(r)) ?? 3;
  const ctx = w.progType?.ctx;
  const end = ctx?.kind === 'struct' ? ctx.fields.find((x) => x.read === 'pkt_end') : undefined;
  const ctxReg = w.regs?.find((r) => r.type === 'ctx')?.reg;
  const load = end ? `r${free} = *(u32 *)(r${ctxReg ?? 1} +${end.offset})` : undefined;
  return { reg: `r${free}`, load };
}

/** A free register for a scratch copy, other than those named. */
export function scratchRegister(w: RefusalWhere, avoid: readonly number[]): string {
  const used = new Set((w.regs ?? []).map((r) => r.reg));
  return `r${[4, 5, 3, 2, 6, 7, 8, 9].find((r) => !avoid.includes(r) && !used.has(r)) ?? [4, 5, 3].find((r) => !avoid.includes(r))}`;
}

/** Where the verifier refused: the program type, whether the refused instruction stores, the registers on the refused path. */
export function refusalWhere(load: LoadResult, progTypes: readonly ProgTypeInfo[]): RefusalWhere {
  const where: RefusalWhere = { progTypes, progType: progTypes.find((t) => t.type === load.progType) };
  const pc = load.stage === 'load' ? load.refusal?.pc : undefined;
  if (pc === undefined || pc === null) return where;
  const text = load.program?.text[pc];
  if (text) where.write = /^\(\w\w\) (lock )?\*\(/.test(text);
  const a = load.analysis;
  const view = a ? statesAt(a, pc).find((v) => v.order === a.errorVisit) : undefined;
  if (view) where.regs = view.regs;
  return where;
}
