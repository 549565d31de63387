/**
 * The verifier's message table: every message Linux 4.8's verifier prints (FACTS §19), and every
 * refusal of BPF_PROG_LOAD that prints none, under a stable id. The log's text is made here from
 * the id and its arguments, with 4.8's printf format, so an id names one message whatever its
 * wording; a refusal carries its id and named arguments across the worker boundary, and the
 * IDE's explanations are keyed by the id (app/panels/verifier/explain.ts must cover them all).
 *
 * `internal`: 4.8's checks of its own consistency, which no program reaches with 4.8's helper
 * prototypes; kept because the code has the check. `fmt: null`: the refusal writes no log line.
 */
import type { LoadCheckId, PrescanFailureId } from '../kernel/prog';

interface MessageSpec {
  /** 4.8's printf format (%d, %lld, %x, %s), or null for a refusal without a log line */
  readonly fmt: string | null;
  /** a refusal without a log line: what happened, in the same printf notation */
  readonly note?: string;
  /** the names of the arguments, in the format's order */
  readonly args: readonly string[];
  readonly internal?: true;
}

const m = <const A extends readonly string[]>(fmt: string, ...args: A): { fmt: string; args: A } => ({ fmt, args });
const silent = <const A extends readonly string[]>(note: string, ...args: A): { fmt: null; note: string; args: A } => ({ fmt: null, note, args });
const internal = <const A extends readonly string[]>(fmt: string, ...args: A): { fmt: string; args: A; internal: true } => ({ fmt, args, internal: true });

export const MESSAGES = {
  // BPF_PROG_LOAD's checks before bpf_check, and bpf_check's log attributes: no log
  insn_cnt_too_large: silent('insn_cnt %d >= BPF_MAXINSNS (4096)', 'insn_cnt'),
  kprobe_kern_version: silent('kprobe kern_version 0x%x is not LINUX_VERSION_CODE 0x40800', 'kern_version'),
  not_privileged: silent('program type %d needs CAP_SYS_ADMIN (only socket filters do not)', 'prog_type'),
  insns_not_copied: silent('the instructions could not be copied from user space'),
  unknown_prog_type: silent('unknown program type %d', 'prog_type'),
  empty_program: silent('the program has no instructions'),
  log_attrs: silent('bad log attributes: log_level %d, log_size %d (a log needs a level, a buffer and 128 <= log_size <= 16777215)', 'log_level', 'log_size'),
  // the log reached log_size - 1 characters: ENOSPC whatever the verdict was
  log_full: silent('the log did not fit in log_size %d (ENOSPC)', 'log_size'),

  // the pre-scan (replace_map_fd_with_map_ptr)
  ldx_reserved: m('BPF_LDX uses reserved fields'),
  stx_reserved: m('BPF_STX uses reserved fields'),
  ld_imm64_invalid: m('invalid bpf_ld_imm64 insn'),
  ld_imm64_unrecognized: m('unrecognized bpf_ld_imm64 insn'),
  map_fd_invalid: m('fd %d is not pointing to valid bpf_map', 'fd'),
  too_many_maps: silent('more than %d maps (no message)', 'max'),

  // the CFG check
  jump_out_of_range: m('jump out of range from insn %d to %d', 'from', 'to'),
  back_edge: m('back-edge from insn %d to %d', 'from', 'to'),
  unreachable_insn: m('unreachable insn %d', 'insn'),
  ja_x_bit: silent('ja with the X bit at insn %d (no message)', 'insn'),

  // the walk: limits
  insn_idx_invalid: internal('invalid insn idx %d insn_cnt %d', 'idx', 'insn_cnt'),
  too_large: m('BPF program is too large. Proccessed %d insn', 'processed'),
  too_complex: m('BPF program is too complex'),

  // registers
  reg_invalid: m('R%d is invalid', 'reg'),
  reg_not_init: m('R%d !read_ok', 'reg'),
  frame_pointer_read_only: m('frame pointer is read only'),

  // ALU
  neg_reserved: m('BPF_NEG uses reserved fields'),
  end_reserved: m('BPF_END uses reserved fields'),
  mov_reserved: m('BPF_MOV uses reserved fields'),
  alu_reserved: m('BPF_ALU uses reserved fields'),
  alu_opcode_invalid: m('invalid BPF_ALU opcode %x', 'op'),
  div_by_zero: m('div by zero'),
  shift_invalid: m('invalid shift %d', 'shift'),
  pointer_arithmetic: m('R%d pointer arithmetic prohibited', 'reg'),
  partial_pointer_copy: m('R%d partial copy of pointer', 'reg'),
  pkt_add_negative: m('addition of negative constant to packet pointer is not allowed'),
  pkt_add_too_large: m('constant %d is too large to add to packet pointer', 'imm'),
  pkt_add_not_scalar: m("cannot add '%s' to ptr_to_packet", 'type'),
  pkt_add_too_wide: m('cannot add integer value with %lld upper zero bits to ptr_to_packet', 'known_zero_bits'),

  // memory accesses
  misaligned: m('misaligned access off %d size %d', 'off', 'size'),
  map_value_access: m('invalid access to map value, value_size=%d off=%d size=%d', 'value_size', 'off', 'size'),
  packet_access: m('invalid access to packet, off=%d size=%d, R%d(id=%d,off=%d,r=%d)', 'off', 'size', 'reg', 'id', 'reg_off', 'range'),
  ctx_access: m('invalid bpf_context access off=%d size=%d', 'off', 'size'),
  stack_access: m('invalid stack off=%d size=%d', 'off', 'size'),
  spill_overwrite: m('attempt to corrupt spilled pointer on stack'),
  spill_size: m('invalid size of register spill'),
  spill_corrupted: m('corrupted spill memory'),
  stack_read_uninit: m('invalid read from stack off %d+%d size %d', 'off', 'byte', 'size'),
  packet_write: m('cannot write into packet'),
  leak_into_map: m('R%d leaks addr into map', 'reg'),
  leak_into_ctx: m('R%d leaks addr into ctx', 'reg'),
  leak_into_packet: m('R%d leaks addr into packet', 'reg'),
  leak_into_helper: m('R%d leaks addr into helper function', 'reg'),
  leak_as_return: m('R0 leaks addr as return value'),
  invalid_mem_access: m("R%d invalid mem access '%s'", 'reg', 'type'),
  different_pointers: m('same insn cannot be used with different pointers'),

  // loads and stores
  xadd_reserved: m('BPF_XADD uses reserved fields'),
  st_reserved: m('BPF_ST uses reserved fields'),
  ld_imm_invalid: m('invalid BPF_LD_IMM insn'),
  ld_imm64_reserved: m('BPF_LD_IMM64 uses reserved fields'),
  ld_mode_invalid: m('invalid BPF_LD mode'),
  ld_abs_not_allowed: m('BPF_LD_[ABS|IND] instructions not allowed for this program type'),
  ld_abs_reserved: m('BPF_LD_[ABS|IND] uses reserved fields'),
  ld_abs_r6_not_ctx: m('at the time of BPF_LD_ABS|IND R6 != pointer to skb'),
  insn_class_unknown: m('unknown insn class %d', 'class'),

  // jumps
  call_reserved: m('BPF_CALL uses reserved fields'),
  ja_reserved: m('BPF_JA uses reserved fields'),
  exit_reserved: m('BPF_EXIT uses reserved fields'),
  jmp_reserved: m('BPF_JMP uses reserved fields'),
  jmp_opcode_invalid: m('invalid BPF_JMP opcode %x', 'op'),
  pointer_comparison: m('R%d pointer comparison prohibited', 'reg'),

  // helper calls
  func_invalid: m('invalid func %d', 'func'),
  func_unknown: m('unknown func %d', 'func'),
  gpl_only: m('cannot call GPL only function from proprietary program'),
  arg_type: m('R%d type=%s expected=%s', 'reg', 'type', 'expected'),
  stack_arg_range: m('invalid stack type R%d off=%d access_size=%d', 'reg', 'off', 'size'),
  stack_arg_uninit: m('invalid indirect read from stack off %d+%d size %d', 'off', 'byte', 'size'),
  map_type_for_func: m('cannot pass map_type %d into func %d', 'map_type', 'func'),
  map_ptr_for_key: internal('invalid map_ptr to access map->key'),
  map_ptr_for_value: internal('invalid map_ptr to access map->value'),
  misconfigured_ret: internal('kernel subsystem misconfigured verifier'),
} as const satisfies Record<string, MessageSpec>;

/** The table's type: each id's format and argument names (the IDE's explanations are typed by it). */
export type VerifierMessages = typeof MESSAGES;

/** A message's stable id. */
export type MessageId = keyof typeof MESSAGES;

type Values<T extends readonly string[]> = { -readonly [I in keyof T]: number | string };
/** Argument values of a message, in its format's order. */
export type MessageArgs<K extends MessageId> = Values<(typeof MESSAGES)[K]['args']>;

/** A refusal: the message's id, its arguments by name, and the line it printed (null when silent). */
export interface VerifierRefusal {
  id: MessageId;
  args: Record<string, number | string>;
  /** the log line without its newline; null for a refusal that prints none */
  text: string | null;
  /** the text, or for a silent refusal what happened (the table's note) */
  message: string;
  /** the instruction it is about; null for checks of the whole request */
  pc: number | null;
}

// every refusal the kernel's shared checks name is a message of the table
const kernelIds: Record<PrescanFailureId | LoadCheckId, unknown> = MESSAGES;
void kernelIds;

/** 4.8's printf: %d and %lld print integers, %x unsigned hex, %s the string. */
function printf(fmt: string, args: readonly (number | string)[]): string {
  let i = 0;
  return fmt.replace(/%(lld|d|x|s)/g, (_all, conv: string) => {
    const v = args[i++];
    if (conv === 'x') return (Number(v) >>> 0).toString(16);
    return String(v);
  });
}

/** The refusal for message `id` with `args` about instruction `pc`. */
export function refusal<K extends MessageId>(id: K, args: MessageArgs<K>, pc: number | null): VerifierRefusal {
  const spec: MessageSpec = MESSAGES[id];
  const values = args as unknown as readonly (number | string)[];
  const named: Record<string, number | string> = {};
  spec.args.forEach((name, i) => (named[name] = values[i]));
  const text = spec.fmt === null ? null : printf(spec.fmt, values);
  return { id, args: named, text, message: text ?? printf(spec.note ?? id, values), pc };
}
