/** The terminal's shell: bpftool's output shapes and errors, ls/mkdir/rm/cat, and anything else. */
import { describe, expect, it } from 'vitest';
import { kernelInsnText } from '../../src/asm';
import { Cmd, MapType as T, ProgType } from '../../src/isa';
import type { Kernel } from '../../src/kernel/kernel';
import { runShell, splitWords } from '../../src/kernel/shell';
import { fprintHex, printEntry } from '../../src/kernel/shell-format';
import { createMap, kernel, ldMapProg, loadProg, u32 } from '../support/kernel';

/** Runs lines in order; returns the transcript of the last one. */
function sh(k: Kernel, ...lines: string[]): { output: string; exitCode: number } {
  let r = { output: '', exitCode: 0 };
  for (const l of lines) r = runShell(k, l);
  return r;
}

function world(): Kernel {
  const k = kernel({ ncpus: 2 });
  const h = k.bpf(Cmd.MAP_CREATE, { mapType: T.Hash, keySize: 4, valueSize: 8, maxEntries: 4, name: 'counts' }) as { value: number };
  k.bpf(Cmd.MAP_CREATE, { mapType: T.PercpuArray, keySize: 4, valueSize: 4, maxEntries: 2, name: 'pcpu' });
  loadProg(k, ldMapProg(h.value), ProgType.SocketFilter, { name: 'filter' });
  return k;
}

describe('bpftool map', () => {
  it('show lists every map the way bpftool prints it', () => {
    expect(sh(world(), 'bpftool map show')).toEqual({
      exitCode: 0,
      output:
        '1: hash  name counts  flags 0x0\n\tkey 4B  value 8B  max_entries 4  memlock 4096B\n' +
        '2: percpu_array  name pcpu  flags 0x0\n\tkey 4B  value 4B  max_entries 2  memlock 4096B\n',
    });
  });

  it('update, dump, lookup, getnext, delete with decimal and hex bytes and keyword prefixes', () => {
    const k = world();
    expect(sh(k, 'bpftool map update id 1 key 1 0 0 0 value hex 01 02 03 04 05 06 07 ff')).toEqual({ output: '', exitCode: 0 });
    expect(sh(k, 'bpftool map update id 1 key 0x2 0 0 0 value 1 2 3 4 5 6 7 8 noexist').exitCode).toBe(0);
    expect(sh(k, 'bpftool m dump id 1').output).toBe(
      'key: 02 00 00 00  value: 01 02 03 04 05 06 07 08\nkey: 01 00 00 00  value: 01 02 03 04 05 06 07 ff\nFound 2 elements\n',
    );
    expect(sh(k, 'bpftool map lookup id 1 key 2 0 0 0').output).toBe('key: 02 00 00 00  value: 01 02 03 04 05 06 07 08\n');
    expect(sh(k, 'bpftool map lookup id 1 key 3 0 0 0')).toEqual({ output: 'key:\n03 00 00 00\n\nNot found\n', exitCode: 255 });
    expect(sh(k, 'bpftool map getnext id 1').output).toBe('key: None\nnext key:\n02 00 00 00\n');
    expect(sh(k, 'bpftool map getnext id 1 key 2 0 0 0').output).toBe('key:\n02 00 00 00\nnext key:\n01 00 00 00\n');
    expect(sh(k, 'bpftool map getnext id 1 key 1 0 0 0')).toEqual({ output: "Error: can't get next key: No such file or directory\n", exitCode: 255 });
    expect(sh(k, 'bpftool map delete id 1 key 2 0 0 0')).toEqual({ output: '', exitCode: 0 });
    expect(sh(k, 'bpftool map delete id 1 key 2 0 0 0')).toEqual({ output: 'Error: delete failed: No such file or directory\n', exitCode: 255 });
    expect(sh(k, 'bpftool map update id 1 key 1 0 0 0 value 0 0 0 0 0 0 0 0 noexist').output).toBe('Error: update failed: File exists\n');
  });

  it('per-CPU values: one value given, every CPU gets it; shown one line per CPU', () => {
    const k = world();
    sh(k, 'bpftool map update id 2 key 1 0 0 0 value 7 0 0 0');
    expect(sh(k, 'bpftool map lookup id 2 key 1 0 0 0').output).toBe('key:\n01 00 00 00\nvalue (CPU 00): 07 00 00 00\nvalue (CPU 01): 07 00 00 00\n');
    expect(sh(k, 'bpftool map dump id 2').output).toMatch(/Found 2 elements\n$/);
  });

  it.each([
    ['bpftool map show id 9', 'Error: get map by id (9): No such file or directory\n'],
    ['bpftool map show id x', "Error: can't parse x as ID\n"],
    ['bpftool map show name counts', "Error: expected 'id' or 'pinned', got: 'name'?\n"],
    ['bpftool map lookup id 1 key 1 0 0', 'Error: key expected 4 bytes got 3\n'],
    ['bpftool map lookup id 1 key 1 0 0 zz', 'Error: error parsing byte: zz\n'],
    ['bpftool map lookup id 1 key hex 1 0 0 0g', 'Error: error parsing byte: 0g\n'],
    ['bpftool map lookup id 1 value 1', 'Error: unnecessary value\n'],
    ['bpftool map lookup id 1 key 1 0 0 0 key 1 0 0 0', 'Error: duplicate key\n'],
    ['bpftool map update id 1 key 1 0 0 0', 'Error: did not find value\n'],
    ['bpftool map update id 1 value 1 2 3 4 5 6 7 8', 'Error: did not find key\n'],
    ['bpftool map update id 1 key 1 0 0 0 value 1 2 3 4 5 6 7 8 any exist', 'Error: flags specified multiple times: exist\n'],
    ['bpftool map update id 1 key 1 0 0 0 frob', 'Error: expected key or value, got: frob\n'],
    ['bpftool map show pinned /sys/fs/bpf/none', 'Error: bpf obj get (/sys/fs/bpf/none): No such file or directory\n'],
    ['bpftool map pin id 1', "Error: 'pin' needs at least 3 arguments, 2 found\n"],
    ['bpftool map pin id 1 /tmp/x', "Error: can't pin the object (/tmp/x): Operation not permitted\n"],
    ['bpftool -j map show', 'Error: JSON output is not simulated\n'],
  ])('%s', (line, output) => {
    expect(sh(world(), line)).toEqual({ output, exitCode: 255 });
  });

  it('pin, then show -f with the pinned path, and the wrong object type', () => {
    const k = world();
    expect(sh(k, 'bpftool map pin id 1 /sys/fs/bpf/counts')).toEqual({ output: '', exitCode: 0 });
    expect(sh(k, 'bpftool -f map show pinned /sys/fs/bpf/counts').output).toBe(
      '1: hash  name counts  flags 0x0\n\tkey 4B  value 8B  max_entries 4  memlock 4096B\n\tpinned /sys/fs/bpf/counts\n',
    );
    expect(sh(k, 'bpftool prog show pinned /sys/fs/bpf/counts')).toEqual({ output: 'Error: incorrect object type: map\n', exitCode: 255 });
    // the shell's temporary fds are closed again
    expect(k.objects().maps[0].fds).toEqual([3]);
  });

  it('prog arrays take `value id N` / `value pinned PATH`; their dump shows nothing (4.8 lookups are ENOENT)', () => {
    const k = kernel();
    createMap(k, T.ProgArray, 4, 4, 2);
    loadProg(k, new Uint8Array([0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]));
    expect(sh(k, 'bpftool map update id 1 key 0 0 0 0 value id 1')).toEqual({ output: '', exitCode: 0 });
    expect(k.progArrayGet(k.mapById(1)!, 0)?.id).toBe(1);
    expect(sh(k, 'bpftool map dump id 1').output).toBe('Found 0 elements\n');
    expect(sh(k, 'bpftool map update id 1 key 1 0 0 0 value id 7').output).toBe('Error: get by id (7): No such file or directory\n');
  });

  it('perf event arrays print each unreadable slot; stack trace dumps end with an error status', () => {
    const k = kernel();
    createMap(k, T.PerfEventArray, 4, 4, 2);
    expect(sh(k, 'bpftool map dump id 1').output).toBe('key: 00 00 00 00  value: <no entry>\nkey: 01 00 00 00  value: <no entry>\nFound 0 elements\n');
    createMap(k, T.StackTrace, 4, 8, 2);
    expect(sh(k, 'bpftool map dump id 2')).toEqual({ output: 'Found 0 elements\n', exitCode: 255 });
  });

  it('help and unknown subcommands print the usage', () => {
    expect(sh(world(), 'bpftool map help').output).toMatch(/^Usage: bpftool map \{ show \| list \}/);
    expect(sh(world(), 'bpftool map frob id 1').exitCode).toBe(255);
    expect(sh(world(), 'bpftool').output).toMatch(/OBJECT := \{ prog \| map \}/);
  });
});

describe('bpftool prog', () => {
  it('show prints id, type, name, tag, gpl, load time, sizes and map ids', () => {
    const k = world();
    const tag = k.progById(1)!.tag;
    expect(sh(k, 'bpftool prog show').output).toBe(
      `1: socket_filter  name filter  tag ${tag}  gpl\n\tloaded_at 2016-10-02T00:01:40+0000  uid 0\n\txlated 32B  not jited  memlock 4096B  map_ids 1\n`,
    );
    expect(sh(k, `bpftool prog show tag ${tag}`).output).toContain('name filter');
    expect(sh(k, 'bpftool prog list id 2').output).toBe('Error: get by id (2): No such file or directory\n');
  });

  it('dump xlated prints `N: text` per instruction with an injected printer, skipping ld_imm64 halves', () => {
    const k = world();
    const r = runShell(k, 'bpftool prog dump xlated id 1', { insnText: (i) => `(${i.code.toString(16).padStart(2, '0')}) imm ${i.imm >>> 0}` });
    expect(r.output).toBe(`   0: (18) imm ${0x3a5c0000}\n   2: (b7) imm 0\n   3: (95) imm 0\n`);
    expect(sh(k, 'bpftool prog dump xlated id 1').output.split('\n')[1]).toBe('   2: (b7) dst r0 src r0 off 0 imm 0');
    expect(sh(k, 'bpftool prog dump jited id 1').exitCode).toBe(255);
  });

  it("dump xlated in the 4.8 log's format with the assembler's printer: the map address's low half", () => {
    const k = world();
    expect(runShell(k, 'bpftool prog dump xlated id 1', { insnText: kernelInsnText }).output).toBe(
      '   0: (18) r1 = 0x3a5c0000\n   2: (b7) r0 = 0\n   3: (95) exit\n',
    );
  });

  it('pin and show the pin', () => {
    const k = world();
    expect(sh(k, 'mkdir /sys/fs/bpf/tc', 'bpftool prog pin id 1 /sys/fs/bpf/tc/filter')).toEqual({ output: '', exitCode: 0 });
    expect(sh(k, 'bpftool -f prog show pinned /sys/fs/bpf/tc/filter').output).toMatch(/\n\tpinned \/sys\/fs\/bpf\/tc\/filter\n$/);
  });
});

describe('files', () => {
  it('ls, ls -l, mkdir -p, rm -r, rmdir, and their errors', () => {
    const k = world();
    sh(k, 'bpftool map pin id 1 /sys/fs/bpf/counts');
    expect(sh(k, 'mkdir -p /sys/fs/bpf/a/b/c')).toEqual({ output: '', exitCode: 0 });
    expect(sh(k, 'ls').output).toBe('a\ncounts\n');
    expect(sh(k, 'ls -l /sys/fs/bpf').output).toBe('drwxr-xr-x  dir   a\n-rw-------  map   counts  (id 1)\n');
    expect(sh(k, 'ls /sys/fs/bpf/nope')).toEqual({ output: "ls: cannot access '/sys/fs/bpf/nope': No such file or directory\n", exitCode: 2 });
    expect(sh(k, 'ls /tmp').exitCode).toBe(2);
    expect(sh(k, 'mkdir /sys/fs/bpf/a')).toEqual({ output: "mkdir: cannot create directory '/sys/fs/bpf/a': File exists\n", exitCode: 1 });
    expect(sh(k, 'mkdir /sys/fs/bpf/x/y').output).toBe("mkdir: cannot create directory '/sys/fs/bpf/x/y': No such file or directory\n");
    expect(sh(k, 'rmdir /sys/fs/bpf/a').output).toBe("rmdir: failed to remove '/sys/fs/bpf/a': Directory not empty\n");
    expect(sh(k, 'rm /sys/fs/bpf/a').output).toBe("rm: cannot remove '/sys/fs/bpf/a': Is a directory\n");
    expect(sh(k, 'rm -r /sys/fs/bpf/a')).toEqual({ output: '', exitCode: 0 });
    expect(sh(k, 'rm -f /sys/fs/bpf/gone')).toEqual({ output: '', exitCode: 0 });
    expect(sh(k, 'rm /sys/fs/bpf/gone').output).toBe("rm: cannot remove '/sys/fs/bpf/gone': No such file or directory\n");
    expect(sh(k, 'rm /sys/fs/bpf/counts')).toEqual({ output: '', exitCode: 0 });
    expect(sh(k, 'ls').output).toBe('');
    expect(sh(k, 'rm -x y').output).toBe("rm: invalid option -- 'x'\n");
  });

  it('cat trace_pipe consumes the lines; other files are errors', () => {
    const k = world();
    k.traceWrite('          <idle>-0     [000] d.s.   100.000001: : hello');
    k.traceWrite('line 2');
    expect(sh(k, 'cat /sys/kernel/debug/tracing/trace_pipe').output).toBe('          <idle>-0     [000] d.s.   100.000001: : hello\nline 2\n');
    expect(sh(k, 'cat /sys/kernel/debug/tracing/trace_pipe')).toEqual({ output: '', exitCode: 0 });
    sh(k, 'bpftool map pin id 1 /sys/fs/bpf/m');
    expect(sh(k, 'cat /sys/fs/bpf/m')).toEqual({ output: 'cat: /sys/fs/bpf/m: Invalid argument\n', exitCode: 1 });
    expect(sh(k, 'cat /etc/passwd').output).toBe('cat: /etc/passwd: No such file or directory\n');
  });

  it('help, empty lines, unknown commands, quotes', () => {
    const k = world();
    expect(sh(k, 'help').output).toMatch(/bpftool map/);
    expect(sh(k, '   ')).toEqual({ output: '', exitCode: 0 });
    expect(sh(k, 'ping 1.1.1.1')).toEqual({ output: "ping: command not found (try 'help')\n", exitCode: 127 });
    expect(splitWords(`mkdir "/sys/fs/bpf/a b" 'c d' e\\ f`)).toEqual(['mkdir', '/sys/fs/bpf/a b', 'c d', 'e f']);
    expect(sh(k, 'ls "unterminated').exitCode).toBe(2);
  });
});

describe('bpftool hex format', () => {
  it('two spaces after 8 bytes, a newline after 16', () => {
    const b = Uint8Array.from({ length: 20 }, (_, i) => i);
    expect(fprintHex(b)).toBe('00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f\n10 11 12 13');
  });
  it('long values break the key and value onto their own lines', () => {
    const shape = { type: T.Hash, keySize: 4, valueSize: 20, ncpus: 1 };
    expect(printEntry(shape, u32(1), new Uint8Array(20))).toBe(
      'key:\n01 00 00 00\nvalue:\n00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00\n00 00 00 00\n',
    );
    expect(printEntry({ ...shape, keySize: 12, valueSize: 16 }, new Uint8Array(12), new Uint8Array(16))).toMatch(/^key: [^\n]*\nvalue: 00/);
  });
});
