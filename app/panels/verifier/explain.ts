/**
 * Plain-language explanations of every refusal of Linux 4.8's verifier: what it means, and how to
 * fix the program. Keyed by the id of the message in the verifier's message table
 * (src/verifier/messages.ts), never by its wording: the table's type makes this record list every
 * id (the type check fails on a missing one), and the explanation gets the message's arguments by
 * name. Refusals that do not come from the verifier (it was switched off, or the kernel refused
 * after it) are explained by errno. With where the refusal happened (`RefusalWhere`: the program
 * type, the refused instruction, the verifier's registers there) an explanation names things:
 * the context field at the offset, the types that allow it, the register holding data_end
 * (naming.ts), and the lesson that teaches the rule.
 */
import type { VerifierMessageId, VerifierMessages, VerifierRefusal } from '../../../src/protocol';
import { dataEndRegister, LESSONS, namedCtxAccess, scratchRegister, type LessonRef, type RefusalWhere } from './naming';


export interface Explanation {
  /** a short name of the problem */
  title: string;
  /** what the verifier saw, in the program's terms */
  meaning: string;
  /** what to change */
  fix: string;
  /** the lesson that teaches the rule */
  lesson?: LessonRef;
}

/** A message's arguments by their names in the table. */
type Args<K extends VerifierMessageId> = Record<VerifierMessages[K]['args'][number], number | string>;

const r = (n: number | string) => `r${n}`;
const reserved = (what: string): Explanation => ({
  title: `${what} uses reserved fields`,
  meaning: `An instruction of the ${what} kind has a field set that must be zero for it (a register, the offset or the immediate it does not use), or a mode it does not have.`,
  fix: 'Write the instruction in its documented form; if you wrote bytes by hand, clear the unused fields.',
});
const internal = (message: string): Explanation => ({
  title: 'An internal consistency check of the kernel',
  meaning: `"${message}" is a check that no program can trigger with 4.8's own helper prototypes: it guards the kernel against its own bugs.`,
  fix: 'If bpflab shows it, that is a bpflab bug: please report the program.',
});
const leak = (reg: number | string, into: string): Explanation => ({
  title: `Leaking a pointer into the ${into} (unprivileged)`,
  meaning: `${r(reg)} holds a kernel address, and an unprivileged program may not store it where user space can read it.`,
  fix: 'Store only numbers; load privileged if you must.',
});

const EXPLAIN: { [K in VerifierMessageId]: (a: Args<K>) => Explanation } = {
  insn_cnt_too_large: (a) => ({ title: 'Too many instructions', meaning: `The program has ${a.insn_cnt} instructions; Linux 4.8 takes at most 4095 (BPF_MAXINSNS is 4096, and the count must be below it). The kernel refuses it with EINVAL before the verifier runs, so there is no log.`, fix: 'Shorten the program, or split it into programs that tail-call each other.' }),
  kprobe_kern_version: (a) => ({ title: 'kprobe built for another kernel', meaning: `A kprobe program must say which kernel it was built for, and 4.8 only loads it when kern_version is its own 0x40800 (4.8.0); this one says 0x${Number(a.kern_version).toString(16)}. EINVAL, no log.`, fix: 'Add `.kern_version 0x040800` to the program.' }),
  not_privileged: () => ({ title: 'EPERM: not allowed', meaning: 'Without CAP_SYS_ADMIN only socket filters may be loaded (EPERM, before the verifier runs).', fix: 'Tick Privileged, or make it a socket filter.' }),
  insns_not_copied: () => ({ title: 'The instructions could not be read', meaning: 'The kernel could not copy the instructions from user space (EFAULT).', fix: 'Pass a buffer that holds insn_cnt instructions.' }),
  unknown_prog_type: (a) => ({ title: 'Unknown program type', meaning: `Program type ${a.prog_type} does not exist in Linux 4.8 (it has socket filter, kprobe, sched_cls, sched_act, tracepoint and XDP). EINVAL, no log.`, fix: 'Choose one of the six program types.' }),
  empty_program: () => ({ title: 'An empty program', meaning: 'The program has no instructions; 4.8 refuses it with E2BIG.', fix: 'Write at least `r0 = 0; exit`.' }),
  log_attrs: (a) => ({ title: 'EINVAL: bad log attributes', meaning: `With a log requested, 4.8 needs a level, a buffer and 128 <= log_size <= 16777215 (log_level is ${a.log_level}, log_size ${a.log_size}); it refuses the load before verifying anything.`, fix: 'Set the log size to at least 128, or the log level to 0.' }),
  log_full: (a) => ({ title: 'ENOSPC: the log did not fit', meaning: `The verifier's log filled the ${a.log_size}-byte buffer; it is cut at ${Number(a.log_size) - 1} characters and, as Linux does, the load fails with ENOSPC even if the program is fine.`, fix: 'Raise the log size, or load with log level 0.' }),

  ldx_reserved: () => reserved('BPF_LDX'),
  stx_reserved: () => reserved('BPF_STX'),
  ld_imm64_invalid: () => ({ title: 'A broken 64-bit load', meaning: 'An ld_imm64 (lddw, `rX = N ll`) takes two 8-byte slots; here the second slot is missing (it is the last instruction) or has fields other than imm set.', fix: 'Keep the two halves together: write `r1 = 0x... ll`, and do not jump into or cut the second half.' }),
  ld_imm64_unrecognized: () => ({ title: 'An unknown kind of 64-bit load', meaning: 'The ld_imm64 has a src_reg other than 0 (a constant) or 1 (BPF_PSEUDO_MAP_FD, a map reference).', fix: 'Use `rX = N ll` for a constant or `rX = map[NAME] ll` for a map.' }),
  map_fd_invalid: (a) => ({ title: 'Not a map', meaning: `A map reference (ld_imm64 with src_reg 1) carries fd ${a.fd}, which is not an open file descriptor of a map (EBADF when nothing is open there, EINVAL when it is something else).`, fix: 'Refer to maps by name (`r1 = map[NAME] ll`) and declare them with `.map`, so the loader puts the right fd in.' }),
  too_many_maps: (a) => ({ title: 'Too many maps', meaning: `The program refers to more than ${a.max} different maps; 4.8 refuses it with E2BIG and no message.`, fix: `Use at most ${a.max} maps, or split the program with tail calls.` }),

  jump_out_of_range: (a) => ({ title: 'A jump leaves the program', meaning: `Instruction ${a.from} jumps to ${a.to}, outside the program (targets count from the next instruction: pc + 1 + off).`, fix: 'Check the jump offset, or jump to a label instead of a number.' }),
  back_edge: (a) => ({ title: 'A loop', meaning: `Instruction ${a.from} jumps back to ${a.to}. Linux 4.8 refuses every cycle in the control flow graph, so that every program provably ends (bounded loops arrived in 5.3).`, fix: 'Unroll the loop: repeat its body a fixed number of times, with forward jumps only.' }),
  unreachable_insn: (a) => ({ title: 'Dead code', meaning: `No path from the first instruction reaches instruction ${a.insn}. 4.8 refuses programs with instructions that can never run.`, fix: 'Delete the unreachable instructions, or fix the jump that should lead to them.' }),
  ja_x_bit: (a) => ({ title: 'A jump that does not exist', meaning: `Instruction ${a.insn} is a ja with the X (register) bit set, opcode 0x0d, which is not an instruction. 4.8's CFG check refuses it with EINVAL and prints nothing.`, fix: 'Use `goto +N` (opcode 0x05).' }),

  insn_idx_invalid: (a) => internal(`invalid insn idx ${a.idx} insn_cnt ${a.insn_cnt}`),
  too_large: (a) => ({ title: 'Too many instructions to verify', meaning: `The verifier walks every path; it gave up after ${a.processed} instruction visits (the limit is 65536). Long chains of branches multiply the paths.`, fix: 'Make the paths fewer or shorter: merge branches, move work after the branches join, so states prune.' }),
  too_complex: () => ({ title: 'Too many pending branches', meaning: 'More than 1024 branches waited to be explored at once (EFAULT in 4.8).', fix: 'Reduce the nesting of conditional jumps, or split the program with tail calls.' }),

  reg_invalid: (a) => ({ title: 'No such register', meaning: `The instruction names register ${a.reg}; eBPF has r0 to r10.`, fix: 'Use a register from r0 to r10.' }),
  reg_not_init: (a) => ({ title: `${r(a.reg)} is read before it is written`, meaning: `The instruction reads ${r(a.reg)}, but on this path nothing has written it yet${Number(a.reg) === 0 ? ' (r0 must be set before exit)' : ''}. Remember that a helper call clobbers r1-r5.`, fix: `Set ${r(a.reg)} first on every path that reaches this instruction${Number(a.reg) >= 1 && Number(a.reg) <= 5 ? ', or keep the value in r6-r9 across calls' : ''}.` }),
  frame_pointer_read_only: () => ({ title: 'r10 cannot be written', meaning: 'r10 is the frame pointer: it always points at the top of the 512-byte stack and is read-only.', fix: 'Copy it instead: `r2 = r10; r2 += -8`.' }),

  neg_reserved: () => reserved('BPF_NEG'),
  end_reserved: () => reserved('BPF_END'),
  mov_reserved: () => reserved('BPF_MOV'),
  alu_reserved: () => reserved('BPF_ALU'),
  alu_opcode_invalid: (a) => ({ title: 'Unknown ALU operation', meaning: `ALU operation 0x${Number(a.op).toString(16)} does not exist in Linux 4.8.`, fix: 'Use one of add, sub, mul, div, or, and, lsh, rsh, neg, mod, xor, mov, arsh.' }),
  div_by_zero: () => ({ title: 'Division by the constant 0', meaning: 'A div or mod divides by the immediate 0. (Dividing by a register that holds 0 passes the verifier; at run time 4.8 then ends the program with r0 = 0.)', fix: 'Divide by a non-zero constant, or test the divisor first.' }),
  shift_invalid: (a) => ({ title: 'Shift out of range', meaning: `A shift by ${a.shift} bits: shifts must be by 0..63 (0..31 for 32-bit operations).`, fix: 'Use a shift amount inside the width of the operation.' }),
  pointer_arithmetic: (a) => ({ title: 'Pointer arithmetic (unprivileged)', meaning: `${r(a.reg)} holds a pointer, and an unprivileged program may not do arithmetic on pointers (it could compute and leak kernel addresses). Only adding constants to the stack pointer is allowed.`, fix: 'Load the program privileged, or avoid arithmetic on this pointer.' }),
  partial_pointer_copy: (a) => ({ title: 'Half a pointer (unprivileged)', meaning: `A 32-bit move copies the low half of the pointer in ${r(a.reg)}, which would leak part of a kernel address.`, fix: 'Use the 64-bit move (`rX = rY`), or load privileged.' }),
  pkt_add_negative: () => ({ title: 'Moving a packet pointer backwards', meaning: 'A packet pointer may only grow by positive constants in 4.8 (the verifier tracks one range from the packet start).', fix: 'Compute offsets from skb->data forwards only.' }),
  pkt_add_too_large: (a) => ({ title: 'Packet offset too large', meaning: `Adding ${a.imm} would take the packet pointer's offset to 0xffff or beyond, more than the verifier tracks.`, fix: 'Use smaller offsets (packets are at most 64 KiB).' }),
  pkt_add_not_scalar: (a) => ({ title: 'Adding a non-number to a packet pointer', meaning: `The value added to the packet pointer is a ${a.type}, not a scalar.`, fix: 'Add a constant or a bounded integer to packet pointers.' }),
  pkt_add_too_wide: (a) => ({ title: 'Variable packet offset too wide', meaning: `The register added to the packet pointer has only ${a.known_zero_bits} known-zero upper bits; 4.8 requires at least 48, i.e. a value below 65536.`, fix: 'Mask the offset first, for example `r1 &= 0xffff`, or load it with a 16-bit or 8-bit load.' }),

  misaligned: (a) => ({ title: 'Misaligned access', meaning: `An access of ${a.size} bytes at offset ${a.off}: outside packets, accesses must be aligned to their size (the remainder ${a.off} % ${a.size} must be 0, as C computes it).`, fix: `Use an offset that is a multiple of ${a.size}, or a smaller access size.` }),
  map_value_access: (a) => ({ title: 'Outside the map value', meaning: `The access reads or writes ${a.size} bytes at offset ${a.off} of a map value of ${a.value_size} bytes: it does not fit inside the value.`, fix: `Keep offset + size within 0..${a.value_size}; check the offsets in your value layout.` }),
  packet_access: (a) => packetAccess(a, {}),
  ctx_access: (a) => ({ title: 'Context field not allowed', meaning: `This program type may not access ${a.size} bytes at offset ${a.off} of its context (the field does not exist, is read-only, or needs another size).`, fix: 'Check the context layout of the program type (hover the field in the Context panel): __sk_buff fields are 4-byte reads; tc programs may write mark, priority, tc_index, cb[] and tc_classid.' }),
  stack_access: (a) => ({ title: 'Outside the stack', meaning: `The access of ${a.size} bytes at fp${Number(a.off) >= 0 ? '+' : ''}${a.off} is outside the 512-byte stack, which spans fp-512 to fp-1.`, fix: 'Use negative offsets from r10 between -512 and -size.' }),
  spill_overwrite: () => ({ title: 'Overwriting part of a saved pointer (unprivileged)', meaning: 'A store overwrites some bytes of a stack slot that holds a spilled pointer; unprivileged programs may not forge pointers this way.', fix: 'Store to another slot, or overwrite the whole 8-byte slot.' }),
  spill_size: () => ({ title: 'Pointer stored with the wrong size', meaning: 'A pointer may only be saved to the stack with an 8-byte store (and read back with an 8-byte load).', fix: 'Use `*(u64 *)(r10 -N) = rX` for pointers.' }),
  spill_corrupted: () => ({ title: 'Reading back a damaged pointer', meaning: 'The 8-byte load reads a slot where a pointer was saved but part of it was overwritten since.', fix: 'Do not write into slots that hold saved pointers, or save the pointer again.' }),
  stack_read_uninit: (a) => ({ title: 'Reading uninitialized stack', meaning: `The load reads ${a.size} bytes at fp${a.off}+${a.byte}, and some of them were never written on this path. The verifier forbids reading stack garbage.`, fix: 'Write the bytes first (for example `*(u64 *)(r10 -8) = 0`), on every path.' }),
  packet_write: () => ({ title: 'Packet is read-only here', meaning: 'In Linux 4.8 only XDP programs may write packet data directly (tc got direct writes in 4.9).', fix: 'Use bpf_skb_store_bytes() from tc programs, or make it an XDP program.' }),
  leak_into_map: (a) => leak(a.reg, 'map'),
  leak_into_ctx: (a) => leak(a.reg, 'ctx'),
  leak_into_packet: (a) => leak(a.reg, 'packet'),
  leak_into_helper: (a) => leak(a.reg, 'helper function'),
  leak_as_return: () => ({ title: 'Returning a pointer (unprivileged)', meaning: 'r0 holds a pointer at exit; an unprivileged program would leak a kernel address through its return value.', fix: 'Set r0 to a number before exit.' }),
  invalid_mem_access: (a) =>
    a.type === 'map_value_or_null'
      ? { title: 'Missing NULL check', meaning: `${r(a.reg)} comes from bpf_map_lookup_elem, which returns NULL when the key is absent; the program dereferences it without checking.`, fix: `Check it first: \`if ${r(a.reg)} == 0 goto out\`.` }
      : { title: `${r(a.reg)} is not a pointer to memory`, meaning: `The access goes through ${r(a.reg)}, whose type here is ${a.type}: memory may only be accessed through pointers to the stack, the context, a map value or the packet.`, fix: `Make ${r(a.reg)} a valid pointer on every path reaching this instruction.` },
  different_pointers: () => ({ title: 'One access, two kinds of pointer', meaning: 'On different paths, this load or store goes through different pointer types (say the context on one path and the stack on another); the kernel rewrites context accesses, so one instruction must always see the same kind.', fix: 'Duplicate the instruction per path, so each path has its own access.' }),

  xadd_reserved: () => reserved('BPF_XADD'),
  st_reserved: () => reserved('BPF_ST'),
  ld_imm_invalid: () => ({ title: 'Stray half of a 64-bit load', meaning: 'An LD IMM instruction that is not a whole 16-byte ld_imm64 (for example a second half on its own, or an all-zero instruction).', fix: 'Write 64-bit constants as `rX = N ll`.' }),
  ld_imm64_reserved: () => reserved('BPF_LD_IMM64'),
  ld_mode_invalid: () => ({ title: 'Unknown load mode', meaning: 'BPF_LD with a mode other than IMM, ABS or IND (those belong to classic BPF).', fix: 'Use LDX for memory loads.' }),
  ld_abs_not_allowed: () => ({ title: 'LD_ABS/LD_IND not available', meaning: 'The legacy packet loads work only in socket filters and tc programs (they need an skb).', fix: 'Use direct packet access or bpf_skb_load_bytes, or change the program type.' }),
  ld_abs_reserved: () => reserved('BPF_LD_ABS/BPF_LD_IND'),
  ld_abs_r6_not_ctx: () => ({ title: 'LD_ABS needs the context in r6', meaning: 'LD_ABS and LD_IND read the packet of the skb that r6 points to; here r6 is not the context.', fix: 'Start with `r6 = r1` and keep r6 unchanged.' }),
  insn_class_unknown: (a) => ({ title: 'Unknown instruction class', meaning: `Class ${a.class} is not used in Linux 4.8 (class 6, JMP32, arrived in 5.1).`, fix: 'Use 64-bit jumps (JMP class).' }),

  call_reserved: () => reserved('BPF_CALL'),
  ja_reserved: () => reserved('BPF_JA'),
  exit_reserved: () => reserved('BPF_EXIT'),
  jmp_reserved: () => reserved('BPF_JMP'),
  jmp_opcode_invalid: (a) => ({ title: 'Unknown jump', meaning: `Jump operation 0x${Number(a.op).toString(16)} does not exist in Linux 4.8 (jlt, jle, jslt and jsle came in 4.14).`, fix: 'Use jeq, jgt, jge, jset, jne, jsgt or jsge, swapping the operands where needed.' }),
  pointer_comparison: (a) => ({ title: 'Comparing a pointer (unprivileged)', meaning: `${r(a.reg)} holds a pointer; unprivileged programs may only compare pointers against 0 in some cases, as comparisons can reveal addresses.`, fix: 'Compare numbers, or load privileged.' }),

  func_invalid: (a) => ({ title: 'No such helper', meaning: `Helper id ${a.func} is outside 0..36, the helpers Linux 4.8 has.`, fix: 'Call a helper by name, for example `call bpf_map_lookup_elem` (completion lists them).' }),
  func_unknown: (a) => ({ title: 'Helper not offered to this program type', meaning: `Helper ${a.func} exists, but this program type (or an unprivileged load) may not call it.`, fix: 'Hover the helper name to see the program types that may call it; change the type or the helper.' }),
  gpl_only: () => ({ title: 'GPL-only helper', meaning: "This helper is only for GPL-compatible programs, and the program's license is not one.", fix: 'Add `.license "GPL"` (or another GPL-compatible license).' }),
  arg_type: (a) => ({ title: 'Wrong argument type', meaning: `The helper expects ${r(a.reg)} to be ${a.expected}, but here it is ${a.type}.`, fix: `Pass ${a.expected === 'fp' ? 'a stack pointer (r10 plus a negative offset)' : `a ${a.expected}`} in ${r(a.reg)}.` }),
  stack_arg_range: (a) => ({ title: 'Helper buffer outside the stack', meaning: `${r(a.reg)} points at fp${a.off} with ${a.size} bytes, which is not within the 512-byte stack (or the size is not a known constant).`, fix: 'Pass a stack pointer and a constant size that fit between fp-512 and fp.' }),
  stack_arg_uninit: (a) => ({ title: 'Helper reads uninitialized stack', meaning: `The helper reads ${a.size} bytes at fp${a.off}, and the byte at +${a.byte} was never written.`, fix: 'Initialize the whole buffer (key, value) before the call.' }),
  map_type_for_func: (a) => ({ title: 'Wrong map type for this helper', meaning: `Helper ${a.func} does not work with maps of type ${a.map_type} (for example tail_call needs a prog_array, perf_event_output a perf_event_array).`, fix: 'Use a map of the type the helper needs.' }),
  map_ptr_for_key: () => internal('invalid map_ptr to access map->key'),
  map_ptr_for_value: () => internal('invalid map_ptr to access map->value'),
  misconfigured_ret: () => internal('kernel subsystem misconfigured verifier'),
};

/** A packet access past the checked range: the fix names the register holding data_end on the refused path. */
function packetAccess(a: Args<'packet_access'>, w: RefusalWhere): Explanation {
  const reg = Number(a.reg);
  const end = dataEndRegister(w, reg);
  const tmp = scratchRegister(w, [reg, Number(end.reg.slice(1))]);
  const known = w.regs?.some((x) => x.type === 'pkt_end');
  const first = end.load ? `load data_end (\`${end.load}\`), then ` : known ? '' : `with ${end.reg} holding data_end, `;
  return {
    title: 'Packet access without a bounds check',
    meaning: `The access of ${a.size} bytes at offset ${a.off} through ${r(a.reg)} goes beyond the ${a.range} bytes proven to exist (r=${a.range}). The verifier only trusts bytes that a comparison with data_end${known ? ` (in ${end.reg} here)` : ''} has checked.`,
    fix: `Before the access, ${first}compare: \`${tmp} = ${r(a.reg)}; ${tmp} += ${Number(a.off) + Number(a.size)}; if ${tmp} > ${end.reg} goto out\`.`,
    lesson: LESSONS.packetRange,
  };
}

/** The lesson of each refusal that one teaches (a NULL check's is picked by type below). */
const LESSON_OF: Partial<Record<VerifierMessageId, LessonRef>> = {
  back_edge: LESSONS.loop,
  map_value_access: LESSONS.mapBounds,
  packet_access: LESSONS.packetRange,
  packet_write: LESSONS.directAccess,
  ctx_access: LESSONS.ctxReadonly,
  stack_read_uninit: LESSONS.uninitStack,
  stack_arg_uninit: LESSONS.uninitStack,
  func_unknown: LESSONS.unknownFunc,
  gpl_only: LESSONS.gplOnly,
  leak_into_map: LESSONS.pointerLeak,
  leak_into_ctx: LESSONS.pointerLeak,
  leak_into_packet: LESSONS.pointerLeak,
  leak_into_helper: LESSONS.pointerLeak,
  leak_as_return: LESSONS.pointerLeak,
  ld_abs_not_allowed: LESSONS.directAccess,
  ld_abs_r6_not_ctx: LESSONS.ldAbs,
};

/** The explanation of a refusal of the verifier, by its message's id; `where` lets it name things. */
export function explainRefusal(refusal: Pick<VerifierRefusal, 'id' | 'args'>, where: RefusalWhere = {}): Explanation {
  const a = refusal.args;
  if (refusal.id === 'ctx_access') {
    const named = namedCtxAccess(Number(a.off), Number(a.size), where);
    if (named) return named;
  }
  if (refusal.id === 'packet_access') return packetAccess(a as Args<'packet_access'>, where);
  const explain = EXPLAIN[refusal.id] as (a: Record<string, number | string>) => Explanation;
  const e = explain(a);
  const lesson = refusal.id === 'invalid_mem_access' ? (a.type === 'map_value_or_null' ? LESSONS.nullCheck : undefined) : LESSON_OF[refusal.id];
  return lesson ? { ...e, lesson } : e;
}

/** Explanations of failures that come without a refusal of the verifier: by errno. */
export function explainErrno(errno: number, logLevel: number, logSize: number): Explanation | undefined {
  switch (errno) {
    case 28:
      return EXPLAIN.log_full({ log_size: logSize });
    case 22:
      if (logLevel !== 0 && (logSize < 128 || logSize > 16777215)) return EXPLAIN.log_attrs({ log_level: logLevel, log_size: logSize });
      return { title: 'EINVAL', meaning: 'The kernel refused the request before the verifier wrote anything: for example 4096 or more instructions, a kprobe whose kern_version is not 4.8.0\'s, or a jump instruction with the X bit that does not exist.', fix: 'Check the program length, the program type and the directives.' };
    case 1:
      return EXPLAIN.not_privileged({ prog_type: 0 });
    case 7:
      return { title: 'E2BIG', meaning: 'The program is empty or too long, or uses more than 64 distinct maps.', fix: 'Use 1 to 4095 instructions and at most 64 maps.' };
    default:
      return undefined;
  }
}
