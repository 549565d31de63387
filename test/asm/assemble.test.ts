import { describe, expect, test } from 'vitest';
import { assemble } from '../../src/asm';
import { MapType, ProgType, slotsToHex } from '../../src/isa';

const hex = (src: string, syntax: 'auto' | 'llvm' | 'ubpf' = 'auto'): string[] => {
  const r = assemble(src, { syntax });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n'));
  return slotsToHex(r.program.bytes);
};

describe('encodings', () => {
  // source (one or more lines), slots it assembles to
  test.each([
    // the forms of issue 2
    ['r0 = 1', ['b700000001000000']],
    ['r1 += r2', ['0f21000000000000']],
    ['w1 += 2', ['0401000002000000']],
    ['(u32) r1 += (u32) 2', ['0401000002000000']],
    ['(u32) r0 = (u32) r1', ['bc10000000000000']],
    ['(u32) r0 neg (u32) 0', ['8400000000000000']],
    ['r0 neg 0', ['8700000000000000']],
    ['(u32) r0 endian (u32) 16', ['d400000010000000']],
    ['r0 endian 16', ['d700000010000000']],
    ['r0 = *(u32 *)(r1 +76)', ['61104c0000000000']],
    ['*(u64 *)(r10 -8) = r1', ['7b1af8ff00000000']],
    ['*(u32 *)(r10 -8) = 5', ['620af8ff05000000']],
    ['lock *(u64 *)(r1 +0) += r2', ['db21000000000000']],
    ['r0 = be16 r0', ['dc00000010000000']],
    ['r0 = le64 r0', ['d400000040000000']],
    ['r1 = 0x1234 ll', ['1801000034120000', '0000000000000000']],
    ['r0 = *(u8 *)skb[12]', ['300000000c000000']],
    ['r0 = *(u16 *)skb[r7 + 12]', ['487000000c000000']],
    ['r0 = *(u16 *)skb[r7 + -1]', ['48700000ffffffff']],
    ['r0 = *(u32 *)skb[r1]', ['4010000000000000']],
    ['if r1 > 0x5 goto pc+3', ['2501030005000000']],
    ['if r1 == 0xffffffff goto pc-1', ['1501ffffffffffff']],
    ['if r1 & 0x10 goto +0', ['4501000010000000']],
    ['if w1 s<= 0xfffffffb goto pc+0', ['d6010000fbffffff']],
    ['goto +3', ['0500030000000000']],
    ['goto 3', ['0500030000000000']],
    ['gotol +1', ['0600000001000000']],
    ['call 1', ['8500000001000000']],
    ['call bpf_map_lookup_elem', ['8500000001000000']],
    ['call map_update_elem', ['8500000002000000']],
    ['call bpf_ktime_get_ns#5', ['8500000005000000']],
    ['exit', ['9500000000000000']],
    ['r0 = -r0', ['8700000000000000']],
    ['w0 = -w0', ['8400000000000000']],
    ['r0 %= r1', ['9f10000000000000']],
    ['r0 s/= r1', ['3f10010000000000']],
    ['w0 s%= -3', ['94000100fdffffff']],
    ['r3 = (s8)r2', ['bf23080000000000']],
    ['w4 = (s16)w2', ['bc24100000000000']],
    ['r1 = *(s8 *)(r10 -19)', ['91a1edff00000000']],
    ['r3 = bswap16 r3', ['d703000010000000']],
    ['r2 = atomic64_fetch_add((u64 *)(r10 -16), r2)', ['db2af0ff01000000']],
    ['r4 = atomic_fetch_or((u32 *)(r10 -8), r4)', ['c34af8ff41000000']],
    ['r2 = atomic64_xchg((u64 *)(r10 -16), r2)', ['db2af0ffe1000000']],
    ['w2 = xchg32_32(r1 + 0, w2)', ['c3210000e1000000']],
    ['callx r2', ['8d02000000000000']],
    ['call pc+3', ['8510000003000000']],
    ['call kfunc 7', ['8520000007000000']],
    ['r1 = map[fd:3] ll', ['1811000003000000', '0000000000000000']],
    ['r1 = map_value[fd:3] + 8 ll', ['1821000003000000', '0000000008000000']],
    ['r1 = -1 ll', ['18010000ffffffff', '00000000ffffffff']],
    ['w0 = *(u32 *)(r1 + 4)', ['6110040000000000']],
    ['*(u32 *)(r10 - 4) = w1', ['631afcff00000000']],
    ['r0 = *(u8 *)(r1)', ['7110000000000000']],
    // pasted verifier-log and llvm-objdump lines
    ['12: (bf) r6 = r1', ['bf16000000000000']],
    ['1: (18) r1 = 0x3a5c0000', ['1801000000005c3a', '0000000000000000']],
    ['0:\tb7 00 00 00 01 00 00 00\tr0 = 1', ['b700000001000000']],
    // ubpf syntax
    ['mov %r0, 1', ['b700000001000000']],
    ['mov r0,1', ['b700000001000000']],
    ['mov32 %r0, 0xffffffff', ['b4000000ffffffff']],
    ['add64 r1, r2', ['0f21000000000000']],
    ['ldxw %r0, [%r1+4]', ['6110040000000000']],
    ['ldxw %r0, [ %r1 + 4 ]', ['6110040000000000']],
    ['ldxh r0, [r1+0xffff]', ['6910ffff00000000']],
    ['stb [%r10-1], 5', ['720affff05000000']],
    ['stxdw [%r10-8], %r1', ['7b1af8ff00000000']],
    ['jeq r1, 0, +2', ['1501020000000000']],
    ['jeq r1, 0, 2', ['1501020000000000']],
    ['jne32 %r1, %r2, -1', ['5e21ffff00000000']],
    ['lddw %r0, 0x1122334455667788', ['1800000088776655', '0000000044332211']],
    ['lddw r0, -1', ['18000000ffffffff', '00000000ffffffff']],
    ['be16 %r0', ['dc00000010000000']],
    ['swap32 r2', ['d702000020000000']],
    ['lock add [%r1], %r2', ['db21000000000000']],
    ['lock fetch add32 [%r10-8], %r1', ['c31af8ff01000000']],
    ['lock cmpxchg [%r1+8], %r2', ['db210800f1000000']],
    ['ldabsh 12', ['280000000c000000']],
    ['ldindb r1, 14', ['501000000e000000']],
    ['call %r2', ['8d02000000000000']],
    ['call local +1', ['8510000001000000']],
    ['call runtime 5', ['8520000005000000']],
    ['mov %r11, 1', ['b70b000001000000']],
    ['mov %r10, %r15', ['bffa000000000000']],
    ['ja -1', ['0500ffff00000000']],
    ['ja32 +1', ['0600000001000000']],
    ['movsx1632 %r0, %r1', ['bc10100000000000']],
    ['ldxsw r0, [r1+2]', ['8110020000000000']],
    ['sdiv32 %r0, 3', ['3400010003000000']],
    ['neg32 r3', ['8403000000000000']],
    // numbers
    ['r0 = 0b101', ['b700000005000000']],
    ['r0 = -0x10', ['b7000000f0ffffff']],
    ['r0 = +7', ['b700000007000000']],
    ['r0 = 0X1F', ['b70000001f000000']],
    // .raw
    ['.raw 0701010001000000', ['0701010001000000']],
    ['.raw 1801000001000000, 0000000002000000', ['1801000001000000', '0000000002000000']],
  ])('%s', (src, want) => {
    expect(hex(src)).toEqual(want);
  });
});

describe('labels', () => {
  test.each([
    ['goto out\nr0 = 1\nout: exit', ['0500010000000000', 'b700000001000000', '9500000000000000']],
    ['loop:\nr0 += 1\nif r0 < 10 goto loop\nexit', ['0700000001000000', 'a500feff0a000000', '9500000000000000']],
    ['jeq r1, 0, exit\nmov r0, 1\nexit\nmov r0, 2\nexit', ['1501010000000000', 'b700000001000000', '9500000000000000', 'b700000002000000', '9500000000000000']],
    ['start: mov r0, 1\nja start', ['b700000001000000', '0500feff00000000']],
    ['.L1: r0 = 1\ngoto .L1', ['b700000001000000', '0500feff00000000']],
    ['r1 = 1 ll\ngoto end\nend:', ['1801000001000000', '0000000000000000', '0500000000000000']],
    ['call f\nexit\nf: r0 = 2\nexit', ['8510000001000000', '9500000000000000', 'b700000002000000', '9500000000000000']],
    ['call local f\nexit\nf: exit', ['8510000001000000', '9500000000000000', '9500000000000000']],
    ['gotol far\nfar: exit', ['0600000000000000', '9500000000000000']],
    ['exit: r0 = 0\njeq r0, 0, exit\nexit', ['b700000000000000', '1500feff00000000', '9500000000000000']],
  ])('%j', (src, want) => {
    expect(hex(src)).toEqual(want);
  });

  test('a program records its labels and where each instruction came from', () => {
    const r = assemble('  r0 = 0   ; zero\nloop:\n  r1 = 5 ll\n  goto loop\n');
    if (!r.ok) throw new Error('refused');
    expect(r.program.labels).toEqual(new Map([['loop', 1]]));
    expect(r.program.sourceMap).toEqual([{ line: 1, col: 3, endCol: 9 }, { line: 3, col: 3, endCol: 12 }, undefined, { line: 4, col: 3, endCol: 12 }]);
    expect(r.program.pcs).toEqual([0, 1, 3]);
    expect(r.program.insns.map((i) => i.kind)).toEqual(['alu', 'ld_imm64', 'ja']);
  });
});

describe('comments', () => {
  test.each([
    ['r0 = 1 ; note'],
    ['r0 = 1 # note'],
    ['r0 = 1 // note'],
    ['r0 /* inline */ = 1'],
    ['/* a block\n comment */ r0 = 1'],
    ['# a whole line\n\n   \nr0 = 1'],
  ])('%j', (src) => {
    expect(hex(src)).toEqual(['b700000001000000']);
  });
});

describe('maps and directives', () => {
  const SRC = [
    '.name count_packets',
    '.type sched_cls',
    '.license "Dual BSD/GPL"',
    '.kern_version 4.8.0',
    '.map counts array key=4 value=8 entries=16',
    '.map seen hash key=8 value=4 entries=1024 flags=1',
    '.entry counts key=01000000 value=2a00000000000000',
    'r1 = map[counts] ll',
    'ld_map_fd r2, seen',
    'r3 = counts ll',
    'lddw r4, map[seen]',
    'exit',
  ].join('\n');

  test('declare maps and set the program directives', () => {
    const r = assemble(SRC);
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const p = r.program;
    expect(p.directives).toEqual({ name: 'count_packets', progType: ProgType.SchedCls, license: 'Dual BSD/GPL', kernVersion: 0x040800 });
    expect(p.maps.map(({ pos: _pos, ...m }) => m)).toEqual([
      { name: 'counts', type: MapType.Array, keySize: 4, valueSize: 8, maxEntries: 16, flags: 0, entries: [{ key: Uint8Array.of(1, 0, 0, 0), value: Uint8Array.of(42, 0, 0, 0, 0, 0, 0, 0) }] },
      { name: 'seen', type: MapType.Hash, keySize: 8, valueSize: 4, maxEntries: 1024, flags: 1 },
    ]);
    expect(p.maps[0].pos).toEqual({ line: 5, col: 6, endCol: 12 });
    expect(p.mapRefs).toEqual([{ pc: 0, map: 'counts' }, { pc: 2, map: 'seen' }, { pc: 4, map: 'counts' }, { pc: 6, map: 'seen' }]);
    // a map load is src_reg 1 (BPF_PSEUDO_MAP_FD) with imm 0 until the loader puts the fd in
    expect(slotsToHex(p.bytes).slice(0, 4)).toEqual(['1811000000000000', '0000000000000000', '1812000000000000', '0000000000000000']);
  });

  test.each([
    ['.kern_version 0x040800', 0x040800],
    ['.kern_version 264192', 264192],
    ['.kern_version 4.8', 0x040800],
    ['.kern_version 4.14.255', 0x040eff],
  ])('%s', (src, v) => {
    const r = assemble(src);
    expect(r.ok && r.program.directives.kernVersion).toBe(v);
  });

  test.each([['socket_filter', 1], ['kprobe', 2], ['sched_cls', 3], ['sched_act', 4], ['tracepoint', 5], ['xdp', 6], ['BPF_PROG_TYPE_XDP', 6]])(
    '.type %s',
    (name, t) => {
      const r = assemble(`.type ${name}`);
      expect(r.ok && r.program.directives.progType).toBe(t);
    },
  );
});
