/**
 * Tracing lessons that cross into user space: perf_event_output and perf_event_read over a
 * perf_event_array, and probe_write_user.
 */
import { lesson, ptRegs } from './define';
import type { Lesson } from './types';

const perfOutput = lesson({
  id: 'perf-event-output',
  title: 'Send events to user space with perf_event_output',
  level: 'tracing',
  summary: 'bpf_perf_event_output copies a record into a perf ring buffer that user space reads as events arrive, one buffer per CPU in a perf_event_array. This tracepoint program reports every exec with its pid and a timestamp.',
  tryNext: [
    'Write r3 = 0xffffffff without ll: mov sign-extends it to -1, whose upper bits are not a CPU index, and the helper returns -EINVAL (-22).',
    'Use index 1 (r3 = 1): that slot\'s event belongs to CPU 1, the program runs on CPU 0, and the helper returns -EOPNOTSUPP (-95).',
    'Send 12 bytes (r5 = 12): the sample is shorter; 4.8 accepts any size that is on the stack.',
  ],
  progType: 'tracepoint',
  privileged: true,
  input: { tracepoint: { name: 'sched:sched_process_exec' } },
  maps: [{ map: 'events', slots: [{ index: 0, value: { perfCpu: 0 } }, { index: 1, value: { perfCpu: 1 } }] }],
  expect: { load: { accepted: true }, run: { retval: 0, verdict: 'r0 = 0', perf: [{ map: 'events', cpu: 0, data: 'd2040000d204000007e8764817000000' }] } },
  body: `
    ; Send events to user space with bpf_perf_event_output.
    ;
    ; A perf_event_array holds one perf event (a ring buffer user space maps)
    ; per CPU: user space opens them and puts their fds in the slots.
    ; bpf_perf_event_output(ctx, &map, flags, &data, size) copies size bytes
    ; from the stack into the buffer chosen by flags: an index, or
    ; BPF_F_CURRENT_CPU (0xffffffff) for the running CPU's, the usual choice.
    ; The sched:sched_process_exec record has pid at 12 and old_pid at 16.
    .type tracepoint
    .license "GPL"
    .map events perf_event_array key=4 value=4 entries=2

            r6 = r1
            r1 = *(u32 *)(r6 +12)         ; pid
            *(u32 *)(r10 -16) = r1        ; struct { u32 pid; u32 old_pid; u64 ns; } at fp-16
            r1 = *(u32 *)(r6 +16)         ; old_pid
            *(u32 *)(r10 -12) = r1
            call bpf_ktime_get_ns
            *(u64 *)(r10 -8) = r0
            r1 = r6                       ; ctx
            r2 = map[events] ll
            r3 = 0xffffffff ll            ; BPF_F_CURRENT_CPU
            r4 = r10
            r4 += -16                     ; data
            r5 = 16                       ; size
            call bpf_perf_event_output    ; 0, or a negative errno
            r0 = 0
            exit
  `,
});

const perfRead = lesson({
  id: 'perf-event-read',
  title: 'Read a perf counter',
  level: 'tracing',
  summary: 'bpf_perf_event_read returns the count of a hardware or software perf event (cycles, instructions...) that user space opened and put in a perf_event_array. An event can only be read on the CPU it counts on.',
  tryNext: [
    'Read slot 5: past the end of the array, -E2BIG (-7).',
    'Call bpf_perf_event_read from a socket filter: "unknown func 22", only tracing programs may.',
    'Pass a hash map: "cannot pass map_type 1 into func 22".',
  ],
  progType: 'kprobe',
  privileged: true,
  input: { ctx: ptRegs({ di: 3n, si: 0x7ffd00001000n, dx: 4096n, ip: 0xffffffff8120c6b0n }) },
  maps: [{ map: 'counters', slots: [{ index: 0, value: { perfCpu: 0 } }, { index: 1, value: { perfCpu: 1 } }] }],
  expect: {
    load: { accepted: true },
    run: { retval: 0, verdict: 'r0 = 0', maps: [{ name: 'readings', entries: [{ key: '00000000', value: '0000000000000000eaffffffffffffff' }] }] },
  },
  body: `
    ; Read a perf counter with bpf_perf_event_read.
    ;
    ; User space opens a counter per CPU (perf_event_open: cycles,
    ; instructions, cache misses...) and puts the fds in a perf_event_array.
    ; bpf_perf_event_read(&map, flags) returns the current count of the event
    ; in slot flags (BPF_F_CURRENT_CPU: this CPU's), or a negative errno, which
    ; a caller cannot tell from a huge count: 4.8's API has that flaw.
    ; Reading the event of another CPU gives -EINVAL (-22). bpflab's counters
    ; are software events that stay at 0.
    .type kprobe
    .license "GPL"
    .kern_version 4.8.0
    .map counters perf_event_array key=4 value=4 entries=2
    .map readings array key=4 value=16 entries=1   ; this CPU's count, CPU 1's

            r1 = map[counters] ll
            r2 = 0xffffffff ll            ; BPF_F_CURRENT_CPU
            call bpf_perf_event_read
            r7 = r0
            r1 = map[counters] ll
            r2 = 1                        ; slot 1, CPU 1's counter
            call bpf_perf_event_read
            r8 = r0                       ; -EINVAL: we run on CPU 0
            *(u32 *)(r10 -4) = 0
            r2 = r10
            r2 += -4
            r1 = map[readings] ll
            call bpf_map_lookup_elem
            if r0 == 0 goto out
            *(u64 *)(r0 +0) = r7
            *(u64 *)(r0 +8) = r8
    out:    r0 = 0
            exit
  `,
});

const writeUser = lesson({
  id: 'probe-write-user',
  title: 'Write to user memory (and why it is refused)',
  level: 'tracing',
  summary: 'bpf_probe_write_user writes into the memory of the current process: a debugging tool powerful enough that the kernel warns when a program using it is loaded. It refuses kernel addresses (-EPERM) and fails on unmapped ones (-EFAULT).',
  tryNext: [
    'Change the size to 0: nothing is written and the call returns 0.',
    'Load it with .license "Proprietary": "cannot call GPL only function from proprietary program".',
    'Write from a map value instead of the stack: "R2 type=map_value expected=fp", the source must be on the stack.',
  ],
  progType: 'kprobe',
  privileged: true,
  input: { ctx: ptRegs({ di: 1n, si: 0x7ffd12340000n, dx: 4n }) },
  expect: {
    load: { accepted: true },
    run: { retval: 0, verdict: 'r0 = 0', maps: [{ name: 'results', entries: [{ key: '00000000', value: 'f2ffffffffffffffffffffffffffffff' }] }] },
  },
  body: `
    ; Write to user memory with bpf_probe_write_user (and why it is refused).
    ;
    ; The probe is on write(fd, buf, count): the registers at entry hold the
    ; arguments, di = fd, si = buf, dx = count (pt_regs offsets 112, 104, 96).
    ; bpf_probe_write_user(dst, &src, len) copies len bytes from the stack to
    ; the user address dst of the current process. It refuses kernel
    ; addresses with -EPERM (-1) and fails with -EFAULT (-14) where nothing is
    ; mapped, which is the case for every user address in bpflab's machine.
    .type kprobe
    .license "GPL"
    .kern_version 4.8.0
    .map results array key=4 value=16 entries=1    ; the two results

            r7 = *(u64 *)(r1 +104)        ; si: buf, a user address
            *(u32 *)(r10 -4) = 0x21465042 ; "BPF!"
            r1 = r7
            r2 = r10
            r2 += -4
            r3 = 4
            call bpf_probe_write_user     ; into the user's buffer
            r8 = r0
            call bpf_get_current_task     ; a kernel address
            r1 = r0
            r2 = r10
            r2 += -4
            r3 = 4
            call bpf_probe_write_user     ; -EPERM
            r9 = r0
            *(u32 *)(r10 -8) = 0
            r2 = r10
            r2 += -8
            r1 = map[results] ll
            call bpf_map_lookup_elem
            if r0 == 0 goto out
            *(u64 *)(r0 +0) = r8
            *(u64 *)(r0 +8) = r9
    out:    r0 = 0
            exit
  `,
});

export const EVENT_LESSONS: Lesson[] = [perfOutput, perfRead, writeUser];
