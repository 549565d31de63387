/** The simulated world: determinism by seed, the clock, the task_struct region, stacks, cgroups. */
import { describe, expect, it } from 'vitest';
import { TASK_STRUCT } from '../../src/kernel/task';
import { CGROUP_ROOT, SYMBOLS, cgroupIsDescendant, cgroupPath, symbolize } from '../../src/kernel/world';
import { kernel } from '../support/kernel';

describe('world', () => {
  it('the same seed gives the same random numbers and clock, another seed others', () => {
    const a = kernel({ seed: 42 });
    const b = kernel({ seed: 42 });
    const c = kernel({ seed: 43 });
    const seq = (k: ReturnType<typeof kernel>) => Array.from({ length: 5 }, () => k.world.nextRandom32());
    const sa = seq(a);
    expect(seq(b)).toEqual(sa);
    expect(seq(c)).not.toEqual(sa);
    expect(sa.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32)).toBe(true);
    expect(a.world.clockNs).toBe(b.world.clockNs);
    expect(a.world.seed).toBe(42);
  });

  it('the clock advances by nsPerInsn per instruction', () => {
    const k = kernel();
    const t0 = k.world.clockNs;
    k.world.advanceClock(10);
    expect(k.world.clockNs - t0).toBe(10n);
    k.world.nsPerInsn = 3;
    k.world.advanceClock(10);
    expect(k.world.clockNs - t0).toBe(40n);
  });

  it('CPUs: the count is a setting, the current CPU stays in range', () => {
    const k = kernel({ ncpus: 4 });
    expect(k.world.ncpus).toBe(4);
    k.world.cpu = 3;
    k.world.ncpus = 2;
    expect(k.world.cpu).toBe(1);
    k.world.cpu = 9;
    expect(k.world.cpu).toBe(1);
  });

  it('the current task has a task_struct region get_current_task can point at', () => {
    const k = kernel();
    const at = (name: string) => TASK_STRUCT.fields.find((f) => f.name === name)!.offset;
    const t = k.world.taskAddr;
    expect(k.mem.readUint(t + BigInt(at('pid')), 4)).toBe(1234n);
    expect(k.mem.readCString(t + BigInt(at('comm')), 16)).toBe('bpflab');
    expect(k.mem.readUint(t + BigInt(at('cgroup_classid')), 4)).toBe(0x00100001n);
    // one task_struct region, the world's
    expect([...k.mem.regions()].filter((r) => r.kind === 'task').map((r) => k.mem.addr(r))).toEqual([t]);
    k.world.task = { ...k.world.task, comm: 'a-very-long-command-name', pid: 7 };
    expect(k.mem.readCString(t + BigInt(at('comm')), 16)).toBe('a-very-long-com');
    expect(k.world.task.comm).toBe('a-very-long-com');
    // read-only for programs
    expect(k.mem.write(t, new Uint8Array(1))).toMatchObject({ reason: 'read-only' });
  });

  it('real_parent leads from the current task to init (pid 1) and to swapper/0, its own parent', () => {
    const k = kernel();
    const at = (name: string) => BigInt(TASK_STRUCT.fields.find((f) => f.name === name)!.offset);
    const parent = (task: bigint) => k.mem.readUint(task + at('real_parent'), 8) as bigint;
    const init = parent(k.world.taskAddr);
    expect(k.mem.readUint(init + at('pid'), 4)).toBe(1n);
    expect(k.mem.readCString(init + at('comm'), 16)).toBe('systemd');
    const idle = parent(init);
    expect(k.mem.readUint(idle + at('pid'), 4)).toBe(0n);
    expect(k.mem.readCString(idle + at('comm'), 16)).toBe('swapper/0');
    expect(parent(idle)).toBe(idle);
  });

  it('stacks have symbols; unknown addresses print in hex', () => {
    const k = kernel();
    expect(k.world.kernelStack[0].symbol).toBe('tcp_sendmsg+0x5');
    expect(symbolize(k.world.kernelStack[0].ip)).toBe('tcp_sendmsg+0x5');
    expect(symbolize(k.world.userStack[1].ip)).toBe('main+0x8a');
    expect(symbolize(0x1234n)).toBe('0x1234');
    expect(SYMBOLS.every((s) => s.size > 0)).toBe(true);
  });

  it('cgroups: both spellings of a path, ancestry, classids, the task cgroup', () => {
    const k = kernel();
    expect(cgroupPath(`${CGROUP_ROOT}/app/web/`)).toBe('/app/web');
    expect(cgroupPath(CGROUP_ROOT)).toBe('/');
    expect(k.world.findCgroup('/sys/fs/cgroup/app')?.classid).toBe(0x00100001);
    expect(k.world.findCgroup('/app/web')?.classid).toBe(0x00100002);
    expect(k.world.taskCgroup()?.path).toBe('/app');
    // the task_struct's classid follows the task's cgroup in either spelling
    const classid = () => k.mem.readUint(k.world.taskAddr + BigInt(TASK_STRUCT.fields.find((f) => f.name === 'cgroup_classid')!.offset), 4);
    k.world.task = { ...k.world.task, cgroup: `${CGROUP_ROOT}/app/web` };
    expect(classid()).toBe(0x00100002n);
    k.world.task = { ...k.world.task, cgroup: '/app' };
    expect(classid()).toBe(0x00100001n);
    expect(cgroupIsDescendant('/app/web', '/app')).toBe(true);
    expect(cgroupIsDescendant('/app', '/app')).toBe(true);
    expect(cgroupIsDescendant('/application', '/app')).toBe(false);
    expect(cgroupIsDescendant('/app', '/')).toBe(true);
    expect(cgroupIsDescendant('/', '/app')).toBe(false);
  });

  it('net devices: lo, eth0, eth1 by ifindex', () => {
    const k = kernel();
    expect(k.world.netDevices.map((d) => [d.ifindex, d.name])).toEqual([[1, 'lo'], [2, 'eth0'], [3, 'eth1']]);
    expect(k.world.device(2)?.name).toBe('eth0');
    expect(k.world.device(9)).toBeUndefined();
  });

  it('trace_pipe reads consume', () => {
    const k = kernel();
    k.traceWrite('a');
    k.traceWrite('b');
    expect(k.trace.peek()).toEqual(['a', 'b']);
    expect(k.trace.read()).toEqual(['a', 'b']);
    expect(k.trace.read()).toEqual([]);
  });
});
