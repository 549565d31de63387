/**
 * bpf_trace_printk as Linux 4.8 has it (kernel/trace/bpf_trace.c): the format check that
 * allows at most three of %d %i %u %x (with l or ll), %p and one %s, then the kernel's vsnprintf
 * over the three arguments, and the trace_pipe line the entry prints as. 4.8's own check knew
 * only d, u and x; %i (which later kernels accept) is taken too because bpflab's contract lists
 * it (issue 4) and a learner's %i should print, not fail. Non-goal: every vsnprintf extension
 * (%pS, %pI4, ...), which the check refuses.
 */

/** What the check leaves for the formatter: each argument's cast and where the %s string is. */
interface PrintkPlan {
  /** 0: (u32) arg, 1: (long) arg, 2: (u64) arg, per argument slot */
  mods: [number, number, number];
  /** the slot whose value is replaced by the string read for %s, or -1 */
  strSlot: number;
}

const isPrint = (c: number): boolean => c >= 0x20 && c <= 0x7e;
const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const isPunct = (c: number): boolean => isPrint(c) && c !== 0x20 && !/[0-9A-Za-z]/.test(String.fromCharCode(c));
const ch = (s: string): number => s.charCodeAt(0);

/**
 * 4.8's check of the format (the bytes before the final NUL, which the caller verified); null
 * means -EINVAL. The loop mirrors the kernel's, including the character after %p/%s that it
 * skips without looking at it.
 */
export function checkPrintkFormat(fmt: Uint8Array): PrintkPlan | null {
  const n = fmt.length;
  const at = (i: number): number => (i < n ? fmt[i] : 0);
  const mods: [number, number, number] = [0, 0, 0];
  let cnt = 0;
  let strSlot = -1;
  for (let i = 0; i < n; i++) {
    const c = fmt[i];
    if ((!isPrint(c) && !isSpace(c)) || c > 0x7f) return null;
    if (c !== ch('%')) continue;
    if (cnt >= 3) return null;
    i++;
    if (at(i) === ch('l')) {
      mods[cnt]++;
      i++;
    } else if (at(i) === ch('p') || at(i) === ch('s')) {
      mods[cnt]++;
      i++;
      if (!isSpace(at(i)) && !isPunct(at(i)) && at(i) !== 0) return null;
      cnt++;
      if (at(i - 1) === ch('s')) {
        if (strSlot >= 0) return null; // only one %s
        strSlot = cnt - 1;
      }
      continue;
    }
    if (at(i) === ch('l')) {
      mods[cnt]++;
      i++;
    }
    if (at(i) !== ch('d') && at(i) !== ch('i') && at(i) !== ch('u') && at(i) !== ch('x')) return null;
    cnt++;
  }
  return { mods, strSlot };
}

/** One vararg as __trace_printk receives it: a number, or the kernel buffer holding %s's string. */
type PrintkArg = bigint | { str: string };

/** The casts 4.8 applies to r3..r5 before calling __trace_printk. */
export function castArgs(plan: PrintkPlan, regs: [bigint, bigint, bigint], str: string | null): PrintkArg[] {
  return regs.map((r, k) => {
    if (k === plan.strSlot && str !== null) return { str };
    if (plan.mods[k] >= 1) return BigInt.asUintN(64, r);
    return r & 0xffffffffn;
  });
}

interface Spec {
  left: boolean;
  zero: boolean;
  plus: boolean;
  space: boolean;
  alt: boolean;
  width: number;
  prec: number;
  len: number; // 0 int, 1 long, 2 long long, -1 short, -2 char
}

function pad(s: string, spec: Spec, zeroOk: boolean): string {
  if (s.length >= spec.width) return s;
  if (spec.left) return s.padEnd(spec.width);
  if (spec.zero && zeroOk) {
    const sign = /^[-+ ]/.test(s) ? s[0] : '';
    const prefix = /^[-+ ]?0x/.test(s) ? sign + '0x' : sign;
    return prefix + s.slice(prefix.length).padStart(spec.width - prefix.length, '0');
  }
  return s.padStart(spec.width);
}

function intArg(a: PrintkArg | undefined, spec: Spec, signed: boolean): bigint {
  const v = typeof a === 'bigint' ? a : 0n;
  const bits = spec.len >= 1 ? 64 : spec.len === -1 ? 16 : spec.len === -2 ? 8 : 32;
  return signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
}

function formatOne(conv: string, spec: Spec, a: PrintkArg | undefined, readStr: (addr: bigint) => string): string {
  switch (conv) {
    case 'd':
    case 'i': {
      const v = intArg(a, spec, true);
      const s = (v >= 0n ? (spec.plus ? '+' : spec.space ? ' ' : '') : '') + v.toString();
      return pad(s, spec, true);
    }
    case 'u':
      return pad(intArg(a, spec, false).toString(), spec, true);
    case 'x':
    case 'X':
    case 'o': {
      const v = intArg(a, spec, false);
      let s = v.toString(conv === 'o' ? 8 : 16);
      if (conv === 'X') s = s.toUpperCase();
      if (spec.alt && v !== 0n) s = (conv === 'o' ? '0' : conv === 'X' ? '0X' : '0x') + s;
      return pad(s, spec, true);
    }
    case 'c':
      return pad(String.fromCharCode(Number(intArg(a, spec, false) & 0xffn)), spec, false);
    case 's': {
      let s = typeof a === 'object' ? a.str : a === undefined || a < 4096n ? '(null)' : readStr(a);
      if (spec.prec >= 0) s = s.slice(0, spec.prec);
      return pad(s, spec, false);
    }
    case 'p': {
      const v = typeof a === 'bigint' ? a : 0n;
      const width = spec.width >= 0 ? spec.width : 16;
      // a NULL pointer prints as (null) in a pointer-wide field
      if (v === 0n) return pad('(null)', { ...spec, width }, false);
      return pad(v.toString(16), { ...spec, width, zero: spec.width < 0 || spec.zero }, true);
    }
    default:
      return '';
  }
}

/** The kernel's vsnprintf for the conversions a checked format can reach; `readStr` dereferences a %s pointer. */
export function vsnprintf(fmt: string, args: PrintkArg[], readStr: (addr: bigint) => string): string {
  let out = '';
  let next = 0;
  const re = /%([-+ #0]*)(\d+)?(?:\.(\d+))?(hh|h|ll|l|z)?([diuxXocsp%])/y;
  for (let i = 0; i < fmt.length; ) {
    const pct = fmt.indexOf('%', i);
    if (pct < 0) {
      out += fmt.slice(i);
      break;
    }
    out += fmt.slice(i, pct);
    re.lastIndex = pct;
    const m = re.exec(fmt);
    if (!m) {
      // vsnprintf prints an unknown conversion as it is and goes on
      out += '%';
      i = pct + 1;
      continue;
    }
    i = re.lastIndex;
    if (m[5] === '%') {
      out += '%';
      continue;
    }
    const flags = m[1];
    const spec: Spec = {
      left: flags.includes('-'),
      zero: flags.includes('0'),
      plus: flags.includes('+'),
      space: flags.includes(' '),
      alt: flags.includes('#'),
      width: m[2] ? Number(m[2]) : -1,
      prec: m[3] ? Number(m[3]) : -1,
      len: m[4] === 'll' ? 2 : m[4] === 'l' || m[4] === 'z' ? 1 : m[4] === 'h' ? -1 : m[4] === 'hh' ? -2 : 0,
    };
    out += formatOne(m[5], spec, args[next++], readStr);
  }
  return out;
}

/** TRACE_BUF_SIZE: vscnprintf keeps at most 1023 characters */
export const TRACE_BUF_SIZE = 1024;

/**
 * One trace_pipe record as 4.8 prints a trace_printk entry:
 * `<comm, 16 wide>-<pid, 5 wide left> [<cpu, 3 digits>] <irq flags> <secs, 5 wide>.<usecs>: : <msg>`
 * (the empty field between the colons is the fake ip bpf_trace_printk passes).
 */
export function tracePipeLine(comm: string, pid: number, cpu: number, flags: string, ns: bigint, msg: string): string {
  const secs = ns / 1_000_000_000n;
  const usecs = (ns % 1_000_000_000n) / 1000n;
  const head = `${comm.padStart(16)}-${String(pid).padEnd(5)} [${String(cpu).padStart(3, '0')}] ${flags} `;
  return `${head}${secs.toString().padStart(5)}.${usecs.toString().padStart(6, '0')}: : ${msg}`;
}
