/**
 * The programs of issue 11's targets, as assembly (so bpflab and the host kernel load the same
 * text) and the packets they run on.
 *
 *   aluProgram(2020)  a socket filter of 2,020 instructions: the registers seeded from the packet
 *                     (so no compiler can fold the work away), then 64- and 32-bit ALU operations
 *   filterProgram()   a 150-instruction socket filter: IPv4/UDP checks and a hash of the addresses,
 *                     ports and payload through LD_ABS, one map lookup counting the flow's bucket
 * A socket filter's LD_ABS offsets count from the network header (skb->data is past Ethernet).
 *   replayFilter()    a 30-instruction socket filter: the checks and a small hash, a verdict
 */

/** 64-byte Ethernet/IPv4/UDP frames, varied by `i` (addresses, ports, payload). */
export function udpFrame(i: number): Uint8Array {
  const f = new Uint8Array(64);
  f.set([0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00]);
  f.set([0x45, 0, 0, 50, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, (i >> 8) & 255, i & 255, 10, 0, 0, 2], 14);
  f.set([(1024 + i) >> 8, (1024 + i) & 255, 0, i % 2 ? 53 : 187, 0, 30, 0, 0], 34);
  for (let k = 42; k < 64; k++) f[k] = (i * 7 + k) & 255;
  return f;
}

const ALU64 = ['+=', '-=', '*=', '|=', '&=', '^=', '<<=', '>>=', 's>>=', '='];
const ALU32 = ['+=', '-=', '*=', '|=', '&=', '^=', '<<=', '>>=', '='];

/** `n` instructions: registers from the packet, then ALU work (64-bit mostly, some 32-bit), r0 returned. */
export function aluProgram(n: number): string {
  const lines = ['.type socket_filter', '  r6 = r1'];
  const regs = [0, 1, 2, 3, 4, 5, 7, 8, 9];
  // LD_ABS leaves r1-r5 unreadable (4.8's verifier): load r7-r9 and r0, then derive r1-r5
  for (const [k, r] of [7, 8, 9].entries()) lines.push(`  r0 = *(u32 *)skb[${4 * k}]`, `  r${r} = r0`);
  lines.push('  r0 = *(u32 *)skb[12]');
  for (const r of [1, 2, 3, 4, 5]) lines.push(`  r${r} = r${7 + (r % 3)}`, `  r${r} ^= ${r * 0x1234567}`);
  let k = 0;
  while (lines.length - 1 < n - 1) {
    const d = regs[k % regs.length];
    const s = regs[(k * 5 + 3) % regs.length];
    const wide = k % 4 !== 3;
    const ops = wide ? ALU64 : ALU32;
    const op = ops[(k * 7) % ops.length];
    const shift = op.includes('>>') || op.includes('<<');
    const imm = shift ? (k * 13) % (wide ? 64 : 32) : ((k * 2654435761) % 100_000) + 1;
    const useReg = !shift && k % 3 === 0;
    const [rd, rs] = wide ? [`r${d}`, `r${s}`] : [`w${d}`, `w${s}`];
    lines.push(`  ${rd} ${op} ${useReg ? rs : imm}`);
    k++;
  }
  lines.push('  exit');
  return lines.join('\n') + '\n';
}

/** The 150-instruction socket filter with one map lookup (a socket filter's skb[0] is the network header). */
export function filterProgram(): string {
  const head = [
    '.type socket_filter',
    '.map flows array key=4 value=8 entries=256',
    '  r6 = r1',
    '  r0 = *(u8 *)skb[0]',
    '  r0 >>= 4',
    '  if r0 != 4 goto drop',
    '  r0 = *(u8 *)skb[0]',
    '  r0 &= 0xf',
    '  if r0 != 5 goto pass',
    '  r0 = *(u8 *)skb[9]',
    '  if r0 != 17 goto pass',
    '  r7 = 0x9e3779b9',
  ];
  // the addresses, ports and payload words, folded into r7 16 bits at a time (twice over their 38 bytes)
  const fold: string[] = [];
  for (let g = 0; g < 31; g++) fold.push(`  r0 = *(u16 *)skb[${12 + ((2 * g) % 38)}]`, '  r7 ^= r0', '  r7 *= 0x01000193', '  r7 &= 0x7fffffff');
  fold.push('  r7 += 1', '  r7 += 1');
  const tail = [
    '  r8 = r7',
    '  r8 >>= 24',
    '  *(u32 *)(r10 -4) = r8',
    '  r2 = r10',
    '  r2 += -4',
    '  r1 = map[flows] ll',
    '  call bpf_map_lookup_elem',
    '  if r0 == 0 goto pass',
    '  r1 = 1',
    '  lock *(u64 *)(r0 +0) += r1',
    'pass:',
    '  r0 = -1',
    '  exit',
    'drop:',
    '  r0 = 0',
    '  exit',
  ];
  return [...head, ...fold, ...tail].join('\n') + '\n';
}

/** The 30-instruction socket filter of the capture replay target: IPv4/UDP checks, a flow hash, a verdict. */
export function replayFilter(): string {
  return `.type socket_filter
  r6 = r1
  r0 = *(u8 *)skb[0]
  r0 >>= 4
  if r0 != 4 goto drop
  r0 = *(u8 *)skb[9]
  if r0 != 17 goto pass
  r0 = *(u32 *)skb[12]
  r7 = r0
  r0 = *(u32 *)skb[16]
  r7 ^= r0
  r0 = *(u16 *)skb[20]
  r8 = r0
  r0 = *(u16 *)skb[22]
  r8 <<= 16
  r8 |= r0
  r7 ^= r8
  r7 += r8
  r7 *= 0x01000193
  r7 &= 0xffff
  if r7 > 0x8000 goto high
  r0 = 64
  exit
high:
  r0 = *(u16 *)skb[22]
  if r0 == 53 goto pass
  r0 = 0
  exit
pass:
  r0 = -1
  exit
drop:
  r0 = 0
  exit
`;
}
