/**
 * Plain-language explanations of every message Linux 4.8's verifier prints (FACTS.md §19), and
 * of the errnos that come without a message: what it means, and how to fix the program. The
 * patterns match the log's error line; the first match wins, so specific ones come first.
 */

export interface Explanation {
  /** a short name of the problem */
  title: string;
  /** what the verifier saw, in the program's terms */
  meaning: string;
  /** what to change */
  fix: string;
}

type Rule = { re: RegExp; explain: (m: RegExpMatchArray) => Explanation };

const R = (n: string) => `r${n}`;
const reserved = (what: string): Explanation => ({
  title: `${what} uses reserved fields`,
  meaning: `An instruction of the ${what} kind has a field set that must be zero for it (a register, the offset or the immediate it does not use), or a mode it does not have.`,
  fix: 'Write the instruction in its documented form; if you wrote bytes by hand, clear the unused fields.',
});
const internal = (m: RegExpMatchArray): Explanation => ({
  title: 'An internal consistency check of the kernel',
  meaning: `"${m[0]}" is a check that no program can trigger with 4.8's own helper prototypes: it guards the kernel against its own bugs.`,
  fix: 'If bpflab shows it, that is a bpflab bug: please report the program.',
});

const RULES: Rule[] = [
  { re: /^BPF_(LDX|STX|NEG|END|MOV|ALU|XADD|ST|CALL|JA|EXIT|JMP|LD_IMM64) uses reserved fields$/, explain: (m) => reserved(`BPF_${m[1]}`) },
  { re: /^BPF_LD_\[ABS\|IND\] uses reserved fields$/, explain: () => reserved('BPF_LD_ABS/BPF_LD_IND') },
  { re: /^invalid bpf_ld_imm64 insn$/, explain: () => ({ title: 'A broken 64-bit load', meaning: 'An ld_imm64 (lddw, `rX = N ll`) takes two 8-byte slots; here the second slot is missing (it is the last instruction) or has fields other than imm set.', fix: 'Keep the two halves together: write `r1 = 0x... ll`, and do not jump into or cut the second half.' }) },
  { re: /^unrecognized bpf_ld_imm64 insn$/, explain: () => ({ title: 'An unknown kind of 64-bit load', meaning: 'The ld_imm64 has a src_reg other than 0 (a constant) or 1 (BPF_PSEUDO_MAP_FD, a map reference).', fix: 'Use `rX = N ll` for a constant or `rX = map[NAME] ll` for a map.' }) },
  { re: /^fd (-?\d+) is not pointing to valid bpf_map$/, explain: (m) => ({ title: 'Not a map', meaning: `A map reference (ld_imm64 with src_reg 1) carries fd ${m[1]}, which is not an open file descriptor of a map (EBADF when nothing is open there, EINVAL when it is something else).`, fix: 'Refer to maps by name (`r1 = map[NAME] ll`) and declare them with `.map`, so the loader puts the right fd in.' }) },
  { re: /^jump out of range from insn (\d+) to (-?\d+)$/, explain: (m) => ({ title: 'A jump leaves the program', meaning: `Instruction ${m[1]} jumps to ${m[2]}, outside the program (targets count from the next instruction: pc + 1 + off).`, fix: 'Check the jump offset, or jump to a label instead of a number.' }) },
  { re: /^back-edge from insn (\d+) to (\d+)$/, explain: (m) => ({ title: 'A loop', meaning: `Instruction ${m[1]} jumps back to ${m[2]}. Linux 4.8 refuses every cycle in the control flow graph, so that every program provably ends (bounded loops arrived in 5.3).`, fix: 'Unroll the loop: repeat its body a fixed number of times, with forward jumps only.' }) },
  { re: /^unreachable insn (\d+)$/, explain: (m) => ({ title: 'Dead code', meaning: `No path from the first instruction reaches instruction ${m[1]}. 4.8 refuses programs with instructions that can never run.`, fix: 'Delete the unreachable instructions, or fix the jump that should lead to them.' }) },
  { re: /^(insn state internal bug|pop stack internal bug|invalid insn idx \d+ insn_cnt \d+|verifier is misconfigured|bpf verifier is misconfigured|kernel subsystem misconfigured (func \d+|verifier)|unsupported arg_type \d+|invalid map_ptr to access map->(key|value)|ARG_CONST_STACK_SIZE cannot be first argument|unknown return type \d+ of func \d+)$/, explain: internal },
  { re: /^BPF program is too large\. Proccessed (\d+) insn$/, explain: (m) => ({ title: 'Too many instructions to verify', meaning: `The verifier walks every path; it gave up after ${m[1]} instruction visits (the limit is 65536). Long chains of branches multiply the paths.`, fix: 'Make the paths fewer or shorter: merge branches, move work after the branches join, so states prune.' }) },
  { re: /^BPF program is too complex$/, explain: () => ({ title: 'Too many pending branches', meaning: 'More than 1024 branches waited to be explored at once (EFAULT in 4.8).', fix: 'Reduce the nesting of conditional jumps, or split the program with tail calls.' }) },
  { re: /^R(\d+) is invalid$/, explain: (m) => ({ title: 'No such register', meaning: `The instruction names register ${m[1]}; eBPF has r0 to r10.`, fix: 'Use a register from r0 to r10.' }) },
  { re: /^R(\d+) !read_ok$/, explain: (m) => ({ title: `${R(m[1])} is read before it is written`, meaning: `The instruction reads ${R(m[1])}, but on this path nothing has written it yet${m[1] === '0' ? ' (r0 must be set before exit)' : ''}. Remember that a helper call clobbers r1-r5.`, fix: `Set ${R(m[1])} first on every path that reaches this instruction${Number(m[1]) >= 1 && Number(m[1]) <= 5 ? ', or keep the value in r6-r9 across calls' : ''}.` }) },
  { re: /^frame pointer is read only$/, explain: () => ({ title: 'r10 cannot be written', meaning: 'r10 is the frame pointer: it always points at the top of the 512-byte stack and is read-only.', fix: 'Copy it instead: `r2 = r10; r2 += -8`.' }) },
  { re: /^invalid BPF_ALU opcode ([0-9a-f]+)$/, explain: (m) => ({ title: 'Unknown ALU operation', meaning: `ALU operation 0x${m[1]} does not exist in Linux 4.8.`, fix: 'Use one of add, sub, mul, div, or, and, lsh, rsh, neg, mod, xor, mov, arsh.' }) },
  { re: /^div by zero$/, explain: () => ({ title: 'Division by the constant 0', meaning: 'A div or mod divides by the immediate 0. (Dividing by a register that holds 0 passes the verifier; at run time 4.8 then ends the program with r0 = 0.)', fix: 'Divide by a non-zero constant, or test the divisor first.' }) },
  { re: /^invalid shift (-?\d+)$/, explain: (m) => ({ title: 'Shift out of range', meaning: `A shift by ${m[1]} bits: shifts must be by 0..63 (0..31 for 32-bit operations).`, fix: 'Use a shift amount inside the width of the operation.' }) },
  { re: /^R(\d+) pointer arithmetic prohibited$/, explain: (m) => ({ title: 'Pointer arithmetic (unprivileged)', meaning: `${R(m[1])} holds a pointer, and an unprivileged program may not do arithmetic on pointers (it could compute and leak kernel addresses). Only adding constants to the stack pointer is allowed.`, fix: 'Load the program privileged, or avoid arithmetic on this pointer.' }) },
  { re: /^R(\d+) partial copy of pointer$/, explain: (m) => ({ title: 'Half a pointer (unprivileged)', meaning: `A 32-bit move copies the low half of the pointer in ${R(m[1])}, which would leak part of a kernel address.`, fix: 'Use the 64-bit move (`rX = rY`), or load privileged.' }) },
  { re: /^addition of negative constant to packet pointer is not allowed$/, explain: () => ({ title: 'Moving a packet pointer backwards', meaning: 'A packet pointer may only grow by positive constants in 4.8 (the verifier tracks one range from the packet start).', fix: 'Compute offsets from skb->data forwards only.' }) },
  { re: /^constant (-?\d+) is too large to add to packet pointer$/, explain: (m) => ({ title: 'Packet offset too large', meaning: `Adding ${m[1]} would take the packet pointer's offset to 0xffff or beyond, more than the verifier tracks.`, fix: 'Use smaller offsets (packets are at most 64 KiB).' }) },
  { re: /^cannot add '(.*)' to ptr_to_packet$/, explain: (m) => ({ title: 'Adding a non-number to a packet pointer', meaning: `The value added to the packet pointer is a ${m[1]}, not a scalar.`, fix: 'Add a constant or a bounded integer to packet pointers.' }) },
  { re: /^cannot add integer value with (\d+) upper zero bits to ptr_to_packet$/, explain: (m) => ({ title: 'Variable packet offset too wide', meaning: `The register added to the packet pointer has only ${m[1]} known-zero upper bits; 4.8 requires at least 48, i.e. a value below 65536.`, fix: 'Mask the offset first, for example `r1 &= 0xffff`, or load it with a 16-bit or 8-bit load.' }) },
  { re: /^misaligned access off (-?\d+) size (\d+)$/, explain: (m) => ({ title: 'Misaligned access', meaning: `An access of ${m[2]} bytes at offset ${m[1]}: outside packets, accesses must be aligned to their size.`, fix: `Use an offset that is a multiple of ${m[2]}, or a smaller access size.` }) },
  { re: /^Unknown packet alignment\. Only byte-sized access allowed$/, explain: () => ({ title: 'Packet alignment unknown', meaning: 'On architectures that need aligned loads, a packet access through a variable offset must be one byte.', fix: 'Use byte loads for this access.' }) },
  { re: /^misaligned packet access off (\d+)\+(\d+)\+(\d+) size (\d+)$/, explain: (m) => ({ title: 'Misaligned packet access', meaning: `The access of ${m[4]} bytes at NET_IP_ALIGN ${m[1]} + pointer offset ${m[2]} + ${m[3]} is not aligned, which this architecture requires.`, fix: 'Align the access, or read byte by byte.' }) },
  { re: /^invalid access to map value, value_size=(\d+) off=(-?\d+) size=(\d+)$/, explain: (m) => ({ title: 'Outside the map value', meaning: `The access reads or writes ${m[3]} bytes at offset ${m[2]} of a map value of ${m[1]} bytes: it does not fit inside the value.`, fix: `Keep offset + size within 0..${m[1]}; check the offsets in your value layout.` }) },
  { re: /^invalid access to packet, off=(-?\d+) size=(\d+), R(\d+)\(id=(\d+),off=(\d+),r=(\d+)\)$/, explain: (m) => ({ title: 'Packet access without a bounds check', meaning: `The access of ${m[2]} bytes at offset ${m[1]} through ${R(m[3])} goes beyond the ${m[6]} bytes proven to exist (r=${m[6]}). The verifier only trusts bytes that a comparison with data_end has checked.`, fix: `Before the access, compare: \`r4 = ${R(m[3])}; r4 += ${Number(m[1]) + Number(m[2])}; if r4 > r_data_end goto out\`.` }) },
  { re: /^invalid bpf_context access off=(\d+) size=(\d+)$/, explain: (m) => ({ title: 'Context field not allowed', meaning: `This program type may not access ${m[2]} bytes at offset ${m[1]} of its context (the field does not exist, is read-only, or needs another size).`, fix: 'Check the context layout of the program type (hover the field in the Context panel): __sk_buff fields are 4-byte reads; tc programs may write mark, priority, tc_index, cb[] and tc_classid.' }) },
  { re: /^invalid stack off=(-?\d+) size=(\d+)$/, explain: (m) => ({ title: 'Outside the stack', meaning: `The access of ${m[2]} bytes at fp${Number(m[1]) >= 0 ? '+' : ''}${m[1]} is outside the 512-byte stack, which spans fp-512 to fp-1.`, fix: 'Use negative offsets from r10 between -512 and -size.' }) },
  { re: /^attempt to corrupt spilled pointer on stack$/, explain: () => ({ title: 'Overwriting part of a saved pointer (unprivileged)', meaning: 'A store overwrites some bytes of a stack slot that holds a spilled pointer; unprivileged programs may not forge pointers this way.', fix: 'Store to another slot, or overwrite the whole 8-byte slot.' }) },
  { re: /^invalid size of register spill$/, explain: () => ({ title: 'Pointer stored with the wrong size', meaning: 'A pointer may only be saved to the stack with an 8-byte store (and read back with an 8-byte load).', fix: 'Use `*(u64 *)(r10 -N) = rX` for pointers.' }) },
  { re: /^corrupted spill memory$/, explain: () => ({ title: 'Reading back a damaged pointer', meaning: 'The 8-byte load reads a slot where a pointer was saved but part of it was overwritten since.', fix: 'Do not write into slots that hold saved pointers, or save the pointer again.' }) },
  { re: /^invalid read from stack off (-?\d+)\+(\d+) size (\d+)$/, explain: (m) => ({ title: 'Reading uninitialized stack', meaning: `The load reads ${m[3]} bytes at fp${m[1]}+${m[2]}, and some of them were never written on this path. The verifier forbids reading stack garbage.`, fix: 'Write the bytes first (for example `*(u64 *)(r10 -8) = 0`), on every path.' }) },
  { re: /^cannot write into packet$/, explain: () => ({ title: 'Packet is read-only here', meaning: 'In Linux 4.8 only XDP programs may write packet data directly (tc got direct writes in 4.9).', fix: 'Use bpf_skb_store_bytes() from tc programs, or make it an XDP program.' }) },
  { re: /^R(\d+) leaks addr into (map|ctx|packet|helper function)$/, explain: (m) => ({ title: `Leaking a pointer into the ${m[2]} (unprivileged)`, meaning: `${R(m[1])} holds a kernel address, and an unprivileged program may not store it where user space can read it.`, fix: 'Store only numbers; load privileged if you must.' }) },
  { re: /^R0 leaks addr as return value$/, explain: () => ({ title: 'Returning a pointer (unprivileged)', meaning: 'r0 holds a pointer at exit; an unprivileged program would leak a kernel address through its return value.', fix: 'Set r0 to a number before exit.' }) },
  { re: /^R(\d+) invalid mem access '(.*)'$/, explain: (m) => ({ title: m[2] === 'map_value_or_null' ? 'Missing NULL check' : `${R(m[1])} is not a pointer to memory`, meaning: m[2] === 'map_value_or_null' ? `${R(m[1])} comes from bpf_map_lookup_elem, which returns NULL when the key is absent; the program dereferences it without checking.` : `The access goes through ${R(m[1])}, whose type here is ${m[2]}: memory may only be accessed through pointers to the stack, the context, a map value or the packet.`, fix: m[2] === 'map_value_or_null' ? `Check it first: \`if ${R(m[1])} == 0 goto out\`.` : `Make ${R(m[1])} a valid pointer on every path reaching this instruction.` }) },
  { re: /^same insn cannot be used with different pointers$/, explain: () => ({ title: 'One access, two kinds of pointer', meaning: 'On different paths, this load or store goes through different pointer types (say the context on one path and the stack on another); the kernel rewrites context accesses, so one instruction must always see the same kind.', fix: 'Duplicate the instruction per path, so each path has its own access.' }) },
  { re: /^invalid BPF_JMP opcode ([0-9a-f]+)$/, explain: (m) => ({ title: 'Unknown jump', meaning: `Jump operation 0x${m[1]} does not exist in Linux 4.8 (jlt, jle, jslt and jsle came in 4.14).`, fix: 'Use jeq, jgt, jge, jset, jne, jsgt or jsge, swapping the operands where needed.' }) },
  { re: /^R(\d+) pointer comparison prohibited$/, explain: (m) => ({ title: 'Comparing a pointer (unprivileged)', meaning: `${R(m[1])} holds a pointer; unprivileged programs may only compare pointers against 0 in some cases, as comparisons can reveal addresses.`, fix: 'Compare numbers, or load privileged.' }) },
  { re: /^invalid BPF_LD_IMM insn$/, explain: () => ({ title: 'Stray half of a 64-bit load', meaning: 'An LD IMM instruction that is not a whole 16-byte ld_imm64 (for example a second half on its own, or an all-zero instruction).', fix: 'Write 64-bit constants as `rX = N ll`.' }) },
  { re: /^invalid BPF_LD mode$/, explain: () => ({ title: 'Unknown load mode', meaning: 'BPF_LD with a mode other than IMM, ABS or IND (those belong to classic BPF).', fix: 'Use LDX for memory loads.' }) },
  { re: /^unknown insn class (\d+)$/, explain: (m) => ({ title: 'Unknown instruction class', meaning: `Class ${m[1]} is not used in Linux 4.8 (class 6, JMP32, arrived in 5.1).`, fix: 'Use 64-bit jumps (JMP class).' }) },
  { re: /^BPF_LD_\[ABS\|IND\] instructions not allowed for this program type$/, explain: () => ({ title: 'LD_ABS/LD_IND not available', meaning: 'The legacy packet loads work only in socket filters and tc programs (they need an skb).', fix: 'Use direct packet access or bpf_skb_load_bytes, or change the program type.' }) },
  { re: /^at the time of BPF_LD_ABS\|IND R6 != pointer to skb$/, explain: () => ({ title: 'LD_ABS needs the context in r6', meaning: 'LD_ABS and LD_IND read the packet of the skb that r6 points to; here r6 is not the context.', fix: 'Start with `r6 = r1` and keep r6 unchanged.' }) },
  { re: /^invalid func (-?\d+)$/, explain: (m) => ({ title: 'No such helper', meaning: `Helper id ${m[1]} is outside 0..36, the helpers Linux 4.8 has.`, fix: 'Call a helper by name, for example `call bpf_map_lookup_elem` (completion lists them).' }) },
  { re: /^unknown func (\d+)$/, explain: (m) => ({ title: 'Helper not offered to this program type', meaning: `Helper ${m[1]} exists, but this program type (or an unprivileged load) may not call it.`, fix: 'Hover the helper name to see the program types that may call it; change the type or the helper.' }) },
  { re: /^cannot call GPL only function from proprietary program$/, explain: () => ({ title: 'GPL-only helper', meaning: 'This helper is only for GPL-compatible programs, and the program\'s license is not one.', fix: 'Add `.license "GPL"` (or another GPL-compatible license).' }) },
  { re: /^R(\d+) type=(.*) expected=(.*)$/, explain: (m) => ({ title: 'Wrong argument type', meaning: `The helper expects ${R(m[1])} to be ${m[3]}, but here it is ${m[2]}.`, fix: `Pass ${m[3] === 'fp' ? 'a stack pointer (r10 plus a negative offset)' : `a ${m[3]}`} in ${R(m[1])}.` }) },
  { re: /^invalid stack type R(\d+) off=(-?\d+) access_size=(\d+)$/, explain: (m) => ({ title: 'Helper buffer outside the stack', meaning: `${R(m[1])} points at fp${m[2]} with ${m[3]} bytes, which is not within the 512-byte stack (or the size is not a known constant).`, fix: 'Pass a stack pointer and a constant size that fit between fp-512 and fp.' }) },
  { re: /^invalid indirect read from stack off (-?\d+)\+(\d+) size (\d+)$/, explain: (m) => ({ title: 'Helper reads uninitialized stack', meaning: `The helper reads ${m[3]} bytes at fp${m[1]}, and the byte at +${m[2]} was never written.`, fix: 'Initialize the whole buffer (key, value) before the call.' }) },
  { re: /^cannot pass map_type (\d+) into func (\d+)$/, explain: (m) => ({ title: 'Wrong map type for this helper', meaning: `Helper ${m[2]} does not work with maps of type ${m[1]} (for example tail_call needs a prog_array, perf_event_output a perf_event_array).`, fix: 'Use a map of the type the helper needs.' }) },
];

/** The explanation of a verifier message line, if it is one of 4.8's. */
export function explainMessage(line: string): Explanation | undefined {
  const text = line.trim();
  for (const r of RULES) {
    const m = r.re.exec(text);
    if (m) return r.explain(m);
  }
  return undefined;
}

/**
 * Explanations of failures that print no message: by errno, and by the engine's `reason` when it
 * knows which check refused (LoadResult.reason).
 */
export function explainErrno(errno: number, logLevel: number, logSize: number, reason?: string): Explanation | undefined {
  if (reason) return explainReason(errno, reason);
  switch (errno) {
    case 28:
      return { title: 'ENOSPC: the log did not fit', meaning: `The verifier's log filled the ${logSize}-byte buffer; it is cut at ${logSize - 1} characters and, as Linux does, the load fails with ENOSPC even if the program is fine.`, fix: 'Raise the log size, or load with log level 0.' };
    case 22:
      if (logLevel !== 0 && (logSize < 128 || logSize > 16777215)) {
        return { title: 'EINVAL: bad log attributes', meaning: `With a log requested, 4.8 needs 128 <= log_size <= 16777215 (log_size is ${logSize}); it refuses the load before verifying anything.`, fix: 'Set the log size to at least 128.' };
      }
      return { title: 'EINVAL', meaning: 'The kernel refused the request before the verifier wrote anything: for example 4096 or more instructions, a kprobe whose kern_version is not 4.8.0\'s, or a jump instruction with the X bit that does not exist.', fix: 'Check the program length, the program type and the directives.' };
    case 1:
      return { title: 'EPERM: not allowed', meaning: 'Without CAP_SYS_ADMIN only socket filters may be loaded.', fix: 'Tick Privileged, or make it a socket filter.' };
    case 7:
      return { title: 'E2BIG', meaning: 'The program is empty or too long, or uses more than 64 distinct maps.', fix: 'Use 1 to 4095 instructions and at most 64 maps.' };
    default:
      return undefined;
  }
}

/** A refusal the kernel gave without a message, with the check that made it. */
function explainReason(errno: number, reason: string): Explanation {
  const name = ERRNO_TITLES[errno] ?? `errno ${errno}`;
  const meaning = `The kernel refused the load before the verifier printed anything, so the log is empty (as on Linux 4.8); the check that refused it: ${reason}.`;
  if (/kern_version/.test(reason)) {
    return { title: `${name}: kprobe kern_version`, meaning: `${meaning} A kprobe program must carry the version of the kernel it is loaded into.`, fix: 'Remove the .kern_version directive (bpflab then passes 4.8.0) or set .kern_version 4.8.0 (0x040800).' };
  }
  if (/more than 64 maps/.test(reason)) return { title: `${name}: too many maps`, meaning, fix: 'Use at most 64 distinct maps in one program.' };
  if (/log/.test(reason)) return { title: `${name}: bad log attributes`, meaning, fix: 'Set the log size to at least 128, or use log level 0 with no log.' };
  return { title: name, meaning, fix: 'Change what the reason names; the program itself was not verified.' };
}

const ERRNO_TITLES: Record<number, string> = { 1: 'EPERM', 7: 'E2BIG', 16: 'EBUSY', 22: 'EINVAL' };
