/**
 * Loads test/data/conformance: INDEX.json and the `.data` files it describes (bpf_conformance and
 * uBPF), as typed cases. Knows the container format only (test/data/README.md): sections, `#`
 * comments, `@ FILE` includes, the two `raw` formats and hexdump `mem`. It does not
 * assemble or run anything, so any harness (assembler, interpreter, kernel) can use it. Problems
 * in a file are reported in `problems`, never thrown.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { dataPath } from './data';

const CONFORMANCE_DIR = dataPath('conformance');

/** One INDEX.json record (the fields harnesses use; the rest stay reachable as unknown). */
interface IndexRecord {
  file: string;
  suite: 'bpf_conformance' | 'ubpf' | 'ubpf_legacy';
  category: string;
  sections: string[];
  format: 'asm' | 'raw-u64' | 'raw-bytes' | 'asm+raw-u64' | 'pyelf' | null;
  expects: 'result' | 'error' | 'encoding' | 'skip';
  applicable: boolean;
  features: string[];
  ext_features: string[];
  seed_only: boolean | null;
  result?: string | null;
  error?: string | null;
  error_match?: 'exact' | 'regex';
  error_stage?: 'assemble' | 'load' | 'runtime' | null;
  assembler_error_expected_regex?: string | null;
  cpu_version?: 'v1' | 'v2' | 'v3' | 'v4';
  insn_slots?: number;
  mem_len?: number;
  helpers?: number[];
  uses_stack_r10?: boolean;
  reads_r1_ctx?: boolean;
  reads_r2_len?: boolean;
  linux_6_18?: { status: string; [k: string]: string };
  [k: string]: unknown;
}

/** A section's body: comment-free lines, and the 1-based line of the first one in its file. */
interface Section {
  name: string;
  lines: string[];
  /** the file the body came from (the `.data` file, or the `@ FILE` include) */
  from: string;
  firstLine: number;
}

/** One test file, parsed. */
export interface ConformanceCase {
  /** path relative to the conformance folder, as in INDEX.json */
  file: string;
  index: IndexRecord;
  sections: Map<string, Section>;
  /** the `asm` section as text, one line per source line (comments removed), if any */
  asm?: string;
  /** the `raw` section as bytes (8 a slot, memory order), if any */
  raw?: Uint8Array;
  rawFormat?: 'u64' | 'bytes';
  /** input memory, if the file has a `mem` section */
  mem?: Uint8Array;
  /** the expected final r0 (64 bits), if the file has a `result` section */
  result?: bigint;
  /** the expected error text, if the file has an `error` section (may be empty) */
  error?: string;
  /** uBPF's `error pattern` regex source */
  errorPattern?: string;
  /** what could not be parsed (an unreadable include, a bad raw token) */
  problems: string[];
}

/** Every case of INDEX.json that `keep` selects (all by default), parsed. */
export function loadCases(keep: (r: IndexRecord) => boolean = () => true): ConformanceCase[] {
  const index = JSON.parse(readFileSync(join(CONFORMANCE_DIR, 'INDEX.json'), 'utf8')) as IndexRecord[];
  return index.filter(keep).map(loadCase);
}

/** Parses the file of one INDEX.json record. */
function loadCase(index: IndexRecord): ConformanceCase {
  const path = join(CONFORMANCE_DIR, index.file);
  const c: ConformanceCase = { file: index.file, index, sections: new Map(), problems: [] };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    c.problems.push(`cannot read ${index.file}: ${(e as Error).message}`);
    return c;
  }
  for (const s of splitSections(text, path, c.problems)) c.sections.set(s.name, s);
  fillFields(c);
  return c;
}

/** The sections of a `.data` text; `@ FILE` bodies are read from beside `path`. */
function splitSections(text: string, path: string, problems: string[]): Section[] {
  const out: Section[] = [];
  let cur: Section | undefined;
  text.split(/\r?\n/).forEach((full, i) => {
    const line = stripComment(full);
    const head = /^--\s*(.*?)\s*(?:@\s*(\S+))?\s*$/.exec(line);
    if (head && line.startsWith('--')) {
      cur = { name: head[1], lines: [], from: path, firstLine: i + 2 };
      out.push(cur);
      if (head[2]) {
        const inc = join(dirname(path), head[2]);
        try {
          cur.lines = readFileSync(inc, 'utf8').split(/\r?\n/).map(stripComment);
          cur.from = inc;
          cur.firstLine = 1;
        } catch (e) {
          problems.push(`cannot read include ${head[2]}: ${(e as Error).message}`);
        }
        cur = undefined; // an included section has no inline body
      }
      return;
    }
    cur?.lines.push(line);
  });
  return out;
}

const stripComment = (line: string): string => {
  const i = line.indexOf('#');
  return (i < 0 ? line : line.slice(0, i)).trimEnd();
};

function fillFields(c: ConformanceCase): void {
  const get = (name: string) => c.sections.get(name);
  const asm = get('asm');
  if (asm) c.asm = asm.lines.join('\n');
  const raw = get('raw');
  if (raw) {
    const r = parseRaw(raw.lines);
    if (typeof r === 'string') c.problems.push(r);
    else [c.raw, c.rawFormat] = [r.bytes, r.format];
  }
  const mem = get('mem');
  if (mem) {
    const m = parseMem(mem.lines);
    if (typeof m === 'string') c.problems.push(m);
    else c.mem = m;
  }
  const result = get('result');
  if (result) {
    const r = parseResult(result.lines.join(' '));
    if (r === undefined) c.problems.push(`bad result: ${result.lines.join(' ').trim()}`);
    else c.result = r;
  }
  const error = get('error');
  if (error) c.error = error.lines.join('\n').trim();
  const pattern = get('error pattern');
  if (pattern) c.errorPattern = pattern.lines.join('\n').trim();
}

const tokens = (lines: string[]): string[] => lines.join(' ').split(/\s+/).filter(Boolean);

/**
 * A `raw` section: one little-endian u64 a token (`0x…` or decimal), or, in the
 * `negative/unused-*` files, 8 hex bytes a line in memory order.
 */
export function parseRaw(lines: string[]): { bytes: Uint8Array; format: 'u64' | 'bytes' } | string {
  const toks = tokens(lines);
  const byteLines = lines.filter((l) => l.trim());
  if (byteLines.length && byteLines.every((l) => /^\s*([0-9a-fA-F]{2}\s+){7}[0-9a-fA-F]{2}\s*$/.test(l))) {
    return { bytes: Uint8Array.from(toks.map((t) => parseInt(t, 16))), format: 'bytes' };
  }
  const bytes = new Uint8Array(toks.length * 8);
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (!/^(0[xX][0-9a-fA-F]{1,16}|\d+)$/.test(t)) return `bad raw token ${JSON.stringify(t)}`;
    let v = BigInt(t);
    if (v >= 1n << 64n) return `raw token out of 64-bit range: ${t}`;
    for (let b = 0; b < 8; b++, v >>= 8n) bytes[i * 8 + b] = Number(v & 0xffn);
  }
  return { bytes, format: 'u64' };
}

/** A `mem` section: hex byte pairs; a hexdump's `OFFSET:` prefix is dropped and 4-digit groups split. */
export function parseMem(lines: string[]): Uint8Array | string {
  const out: number[] = [];
  for (const line of lines) {
    const body = line.includes(':') ? line.slice(line.indexOf(':') + 1) : line;
    for (const t of body.split(/\s+/).filter(Boolean)) {
      if (!/^([0-9a-fA-F]{2})+$/.test(t)) return `bad mem token ${JSON.stringify(t)}`;
      for (let i = 0; i < t.length; i += 2) out.push(parseInt(t.slice(i, i + 2), 16));
    }
  }
  return Uint8Array.from(out);
}

/** A `result`: a 64-bit value in hex (either case) or decimal (negative decimals wrap). */
export function parseResult(text: string): bigint | undefined {
  const t = text.trim();
  if (!/^(0[xX][0-9a-fA-F]+|-?\d+)$/.test(t)) return undefined;
  return BigInt.asUintN(64, t.startsWith('-') ? -BigInt(t.slice(1)) : BigInt(t));
}
