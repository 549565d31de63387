/**
 * KPROBE's context: an x86-64 `struct pt_regs` (168 bytes) as the probed function's registers.
 * The bytes are plain memory the program may read at any aligned size; the user edits them
 * (RunInput.ctx). The default registers look like a kernel-mode entry into the world's
 * innermost kernel frame.
 */
import { PT_REGS, fieldNamed } from '../../isa';
import { leBytes, type AddressSpace, type Region } from '../../mem';
import type { World } from '../types';

const KERNEL_CS = 0x10n;
const KERNEL_DS = 0x18n;
/** IF set, as in a probe hit with interrupts on */
const DEFAULT_FLAGS = 0x246n;
const DEFAULT_SP = 0xffffc90000007e58n;

const reg = (name: string): number => fieldNamed(PT_REGS, name).offset;

/** Default pt_regs of a probe hit in the world's innermost kernel function. */
export function defaultPtRegs(world: World): Uint8Array {
  const out = new Uint8Array(PT_REGS.size);
  const put = (name: string, v: bigint): void => out.set(leBytes(v, 8), reg(name));
  put('ip', world.kernelStack[0]?.ip ?? 0n);
  put('cs', KERNEL_CS);
  put('flags', DEFAULT_FLAGS);
  put('sp', DEFAULT_SP);
  put('ss', KERNEL_DS);
  put('orig_ax', 0xffffffffffffffffn);
  return out;
}

/** Maps a pt_regs region from `ctx` (zero-extended; null if longer than the struct). */
export function mapPtRegs(mem: AddressSpace, world: World, ctx: Uint8Array | undefined, name = 'ctx (pt_regs)'): Region | null {
  if (ctx && ctx.length > PT_REGS.size) return null;
  const bytes = defaultPtRegs(world);
  if (ctx) {
    bytes.fill(0);
    bytes.set(ctx, 0);
  }
  return mem.map(name.startsWith('ctx') ? 'ctx' : 'kernel', name, bytes, false);
}
