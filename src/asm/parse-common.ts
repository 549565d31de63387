/**
 * Pieces both syntaxes share: calls (`call 1`, `call bpf_map_lookup_elem`, `call local L`,
 * `call pc+3`, `callx r2`), exit, map operands of ld_imm64 (`map[counts]`, `map[fd:3]`,
 * `map_value[fd:3]+8`), and the size words of the pseudo-C syntax.
 */
import { Pseudo, type Bytes } from '../isa';
import { fail } from './diagnostic';
import * as enc from './encode';
import type { Emit } from './encode';
import type { Cursor } from './operands';

/** `u8`..`u64` and the sign-extending `s8`..`s32` of `*(u32 *)` and `(s8)`. */
export const SIZE_WORDS: Record<string, { bytes: Bytes; signed: boolean }> = {
  u8: { bytes: 1, signed: false },
  u16: { bytes: 2, signed: false },
  u32: { bytes: 4, signed: false },
  u64: { bytes: 8, signed: false },
  s8: { bytes: 1, signed: true },
  s16: { bytes: 2, signed: true },
  s32: { bytes: 4, signed: true },
};

/** `call ...` and `callx REG`, with the cursor on the mnemonic. */
export function parseCall(c: Cursor): Emit {
  const kw = c.next('call');
  if (kw.text === 'callx') {
    const r = c.reg('the register holding the address');
    c.expectEnd();
    return { raw: enc.callx(r.n) };
  }
  let e: Emit;
  if (c.eatWord('local')) e = localCall(c);
  else if (c.isWord('pc') && (c.isOp('+', 1) || c.isOp('-', 1))) e = localCall(c);
  else if (c.eatWord('runtime') || c.eatWord('kfunc')) e = { raw: enc.call('kfunc', c.imm32('a kernel function id')) };
  else {
    c.eatWord('helper');
    const t = c.peek();
    if (!t) fail('expected a helper id or name after `call`, e.g. call 1 or call bpf_map_lookup_elem', c.endSpan());
    if (c.isReg()) e = { raw: enc.callx(c.reg('the register holding the address').n) };
    else if (c.isNum()) e = { raw: enc.call('helper', c.imm32('a helper id')) };
    else if (t.kind === 'ident') {
      c.i++;
      e = { raw: enc.call('helper', 0), fix: { kind: 'call', name: t.text, col: t.col, end: t.end } };
    } else fail(`expected a helper id or name after \`call\`, found \`${t.text}\``, t);
  }
  c.expectEnd();
  return e;
}

function localCall(c: Cursor): Emit {
  const t = c.target(32);
  if ('label' in t) return { raw: enc.call('local', 0), fix: { kind: 'jump', label: t.label, field: 'imm', col: t.col, end: t.end } };
  return { raw: enc.call('local', t.off) };
}

/** `exit`, with the cursor on it. */
export function parseExit(c: Cursor): Emit {
  c.next('exit');
  c.expectEnd();
  return { raw: enc.exit() };
}

/** Whether the cursor is on a map operand: `map[`, `map_value[`. */
export const isMapOperand = (c: Cursor): boolean => (c.isWord('map') || c.isWord('map_value')) && c.isOp('[', 1);

/**
 * A map operand of ld_imm64 into `dst`: `map[NAME]` (a reference the loader fills in),
 * `map[fd:N]` (src_reg 1, imm N) or `map_value[fd:N] + OFF` (src_reg 2, the offset in the
 * second slot; beyond 4.8).
 */
export function parseMapOperand(c: Cursor, dst: number): Emit {
  const kw = c.next('map');
  c.expectOp('[');
  if (c.isWord('fd') && c.isOp(':', 1)) {
    c.i += 2;
    const fd = c.imm32('a map fd');
    c.expectOp(']');
    if (kw.text === 'map') return enc.ldImm64(dst, BigInt(fd >>> 0), Pseudo.MAP_FD, 0);
    let off = 0;
    if (c.isOp('+') || c.isOp('-')) {
      if (c.isOp('+') && c.isOp('-', 1)) c.i++;
      off = c.imm32('an offset into the value');
    }
    return enc.ldImm64(dst, BigInt(fd >>> 0), Pseudo.MAP_VALUE, off);
  }
  if (kw.text === 'map_value') fail('map_value[...] takes a map fd: map_value[fd:3] + 8', kw);
  const name = c.next('a map name');
  if (name.kind !== 'ident') fail(`expected a map name, found \`${name.text}\``, name);
  c.expectOp(']');
  return mapRef(dst, name);
}

/** ld_imm64 of the map called `name`: src_reg 1 and imm 0 until the loader puts the fd in. */
export function mapRef(dst: number, name: { text: string; col: number; end: number }): Emit {
  return { ...enc.ldImm64(dst, 0n, Pseudo.MAP_FD, 0), map: { name: name.text, col: name.col, end: name.end } };
}
