/**
 * Tracing lessons: kprobe and tracepoint programs that print to trace_pipe, read the current
 * task, record stacks and time tasks on the CPU. (events.ts has perf events and user memory.)
 * Kprobes need `.kern_version` equal to the running kernel's (4.8.0).
 */
import { lesson } from './define';
import type { Lesson } from './types';

const printk = lesson({
  id: 'trace-printk',
  title: 'Print to the terminal with trace_printk',
  level: 'tracing',
  summary: 'bpf_trace_printk formats a message like printk and appends it to trace_pipe, which the terminal reads while the program runs. This kprobe prints the process id and the user id of whoever hit it.',
  tryNext: [
    'Pass 14 as the size: the NUL is not counted in, and trace_printk returns -EINVAL (-22) without printing.',
    'Add a fourth %d: trace_printk takes three arguments at most, so it refuses the format (-EINVAL).',
    'Change .type to socket_filter: "unknown func 14"; bpf_get_current_pid_tgid is for tracing programs only.',
  ],
  progType: 'kprobe',
  privileged: true,
  input: {},
  expect: {
    load: { accepted: true },
    run: { retval: 0, verdict: 'r0 = 0', trace: ['          bpflab-1234  [000] d..2   100.000000: : pid 1234 uid 1000\n'] },
  },
  body: `
    ; Print to the terminal with bpf_trace_printk.
    ;
    ; bpf_trace_printk(fmt, fmt_size, arg1, arg2, arg3) formats like printk
    ; (%d %u %x, with l or ll, %p and one %s; three arguments at most) and
    ; appends a line to /sys/kernel/debug/tracing/trace_pipe, which the terminal
    ; reads as the run prints (once: cat trace_pipe after it prints nothing new).
    ; The format must be on the stack, NUL-terminated, and fmt_size counts the
    ; NUL. It is a debugging aid: the kernel warns when a program uses it.
    ; Strings go onto the stack 8 bytes at a time, as little-endian numbers:
    ; "pid %d u" is the bytes 70 69 64 20 25 64 20 75, the u64 0x7520642520646970.
    .type kprobe
    .license "GPL"
    .kern_version 4.8.0

            r1 = 0x7520642520646970 ll    ; "pid %d u"
            *(u64 *)(r10 -16) = r1
            r1 = 0xa6425206469 ll         ; "id %d\\n" and the NUL
            *(u64 *)(r10 -8) = r1
            call bpf_get_current_pid_tgid ; tgid << 32 | pid
            r7 = r0
            r7 >>= 32                     ; the process id user space sees (tgid)
            call bpf_get_current_uid_gid  ; gid << 32 | uid
            r8 = r0
            r8 <<= 32
            r8 >>= 32                     ; uid: the low 32 bits
            r1 = r10
            r1 += -16                     ; fmt
            r2 = 15                       ; "pid %d uid %d\\n" is 14 bytes, plus the NUL
            r3 = r7
            r4 = r8
            call bpf_trace_printk
            r0 = 0
            exit
  `,
});

const taskInfo = lesson({
  id: 'current-task',
  title: 'Who is running? The current task',
  level: 'tracing',
  summary: 'bpf_get_current_comm copies the command name; bpf_get_current_task returns the address of the task_struct, whose fields only bpf_probe_read may read. Following real_parent gives the parent\'s pid.',
  tryNext: [
    'Read the parent with r3 = *(u64 *)(r0 +32) instead of bpf_probe_read: "R0 invalid mem access \'inv\'"; the verifier does not know r0 is a pointer.',
    'Read 8 bytes past the task_struct (r3 += 128): probe_read returns -EFAULT and zeroes the buffer.',
    'Print the comm of the parent: probe_read 16 bytes from parent + 40.',
  ],
  progType: 'kprobe',
  privileged: true,
  input: {},
  expect: {
    load: { accepted: true },
    run: { retval: 0, verdict: 'r0 = 0', trace: ['          bpflab-1234  [000] d..2   100.000000: : bpflab ppid 1\n'] },
  },
  body: `
    ; Who is running? get_current_comm, get_current_task and probe_read.
    ;
    ; bpf_get_current_comm(buf, size) copies the current command name (at most
    ; 15 characters and a NUL) to the stack.
    ; bpf_get_current_task() returns the address of the current task_struct as
    ; a plain number: the verifier does not let a program dereference it.
    ; bpf_probe_read(dst, size, src) copies kernel memory to the stack, and
    ; returns -EFAULT (with dst zeroed) if src is not readable.
    ; bpflab's task_struct has pid at 24, tgid at 28, real_parent at 32 and
    ; comm at 40 (see the task in the memory view); a real kernel's offsets
    ; depend on its build, and tools take them from its headers.
    .type kprobe
    .license "GPL"
    .kern_version 4.8.0

            call bpf_get_current_task     ; the address of current
            r1 = r10
            r1 += -8
            r2 = 8
            r3 = r0
            r3 += 32                      ; &current->real_parent
            call bpf_probe_read           ; the parent's address at fp-8
            r1 = r10
            r1 += -12
            r2 = 4
            r3 = *(u64 *)(r10 -8)
            r3 += 28                      ; &parent->tgid
            call bpf_probe_read           ; the parent's pid at fp-12
            r1 = r10
            r1 += -32
            r2 = 16
            call bpf_get_current_comm     ; the command name at fp-32
            r1 = 0x2064697070207325 ll    ; "%s ppid "
            *(u64 *)(r10 -48) = r1
            *(u64 *)(r10 -40) = 0xa6425   ; "%d\\n" and NULs
            r1 = r10
            r1 += -48
            r2 = 12                       ; "%s ppid %d\\n" and the NUL
            r3 = r10
            r3 += -32                     ; %s: the comm
            r4 = *(u32 *)(r10 -12)        ; %d: the parent's pid
            call bpf_trace_printk
            r0 = 0
            exit
  `,
});

const stackid = lesson({
  id: 'stack-counts',
  title: 'Count kernel stacks with get_stackid',
  level: 'tracing',
  summary: 'bpf_get_stackid walks the kernel stack at the probe, stores it in a stack_trace map and returns its id; the same stack gives the same id. A hash counts hits per stack: the basis of a profiler or of "who calls this function?".',
  tryNext: [
    'Skip the first 2 frames (r3 = 2): a different, shorter stack and a new id.',
    'Ask for the user stack (r3 = 0x100, BPF_F_USER_STACK): __libc_send, main, __libc_start_main.',
    'Declare the stack map with value=8: one frame per stack, so most stacks look alike.',
  ],
  progType: 'kprobe',
  privileged: true,
  input: { repeat: 3 },
  expect: { load: { accepted: true }, run: { retval: 0, verdict: 'r0 = 0', maps: [{ name: 'hits', entries: [{ key: '01000000', value: '0300000000000000' }] }] } },
  body: `
    ; Count kernel stacks with bpf_get_stackid.
    ;
    ; bpf_get_stackid(ctx, &stack_map, flags) walks the stack of the probed
    ; function, stores its return addresses in a stack_trace map (value =
    ; 8 bytes per frame) and returns the id it is stored under: the same stack
    ; gives the same id. The low 8 bits of flags skip frames; BPF_F_USER_STACK
    ; (0x100) walks the user stack instead. User space looks each id of the
    ; hits map up in the stack map and names the addresses (4.8 cannot list a
    ; stack_trace map, so the ids have to come from elsewhere).
    ; 4.8 has no "signed less than" jump (jslt came in 5.1), hence s>= below.
    .type kprobe
    .license "GPL"
    .kern_version 4.8.0
    .map stacks stack_trace key=4 value=64 entries=128   ; up to 8 frames a stack
    .map hits hash key=4 value=8 entries=128             ; stack id -> hits

            r2 = map[stacks] ll           ; r1 is still the ctx: the probed function's registers
            r3 = 0                        ; kernel stack, skip nothing
            call bpf_get_stackid
            if r0 s>= 0 goto count        ; an id; negative is an error
            r0 = 0
            exit
    count:  *(u32 *)(r10 -4) = r0         ; key = stack id
            r2 = r10
            r2 += -4
            r1 = map[hits] ll
            call bpf_map_lookup_elem
            if r0 == 0 goto new
            r1 = 1
            lock *(u64 *)(r0 +0) += r1
            goto out
    new:    *(u64 *)(r10 -16) = 1
            r1 = map[hits] ll
            r2 = r10
            r2 += -4
            r3 = r10
            r3 += -16
            r4 = 1                        ; BPF_NOEXIST
            call bpf_map_update_elem
    out:    r0 = 0
            exit
  `,
});

const schedSwitch = lesson({
  id: 'sched-switch',
  title: 'Time on the CPU from sched_switch',
  level: 'tracing',
  summary: 'A tracepoint program reads the fields of the event\'s record at the offsets of its format file. On every context switch this one charges the task leaving the CPU with the time since it got it (bpf_ktime_get_ns) and notes when the next one starts.',
  tryNext: [
    'Read prev_pid at offset 4 (common_pid): "invalid bpf_context access off=4 size=4"; the first 8 bytes of a record are not for programs.',
    'Set the input\'s next_pid to 1234: the task that leaves is the one that comes back, and its start time is replaced.',
    'Write into the record (*(u32 *)(r6 +24) = 0): tracepoint records are read-only to programs.',
  ],
  progType: 'tracepoint',
  privileged: true,
  input: { tracepoint: { name: 'sched:sched_switch', fields: { prev_pid: 1234, next_pid: 42, next_comm: 'nginx' } } },
  maps: [{ map: 'start', entries: [{ key: 'd2040000', value: '0083a92a17000000' }] }],
  expect: {
    load: { accepted: true },
    run: {
      retval: 0,
      verdict: 'r0 = 0',
      maps: [
        // ktime_get_ns reads 100000000003 (100 s, +1 ns for the seed, +1 ns an instruction so far):
        // pid 1234 ran for 500000003 ns, pid 42 starts now
        { name: 'start', entries: [{ key: 'd2040000', value: '0083a92a17000000' }, { key: '2a000000', value: '03e8764817000000' }] },
        { name: 'oncpu', entries: [{ key: 'd2040000', value: '0365cd1d00000000' }] },
      ],
    },
  },
  body: `
    ; Time on the CPU from the sched:sched_switch tracepoint.
    ;
    ; A tracepoint program gets the event's record: the layout is in
    ; /sys/kernel/debug/tracing/events/sched/sched_switch/format, here
    ;   char prev_comm[16] at 8, pid_t prev_pid at 24, int prev_prio at 28,
    ;   long prev_state at 32, char next_comm[16] at 40, pid_t next_pid at 56
    ; The first 8 bytes (common fields) are off limits.
    ; bpf_ktime_get_ns() is the time since boot in nanoseconds. The start map
    ; says when each task got the CPU: .entry gives pid 1234 (d2 04 00 00) the
    ; time 99.5 s (99500000000 ns).
    .type tracepoint
    .license "GPL"
    .map start hash key=4 value=8 entries=1024     ; pid -> when it got the CPU
    .map oncpu hash key=4 value=8 entries=1024     ; pid -> ns it ran for
    .entry start key=d2040000 value=0083a92a17000000

            r6 = r1                       ; the record
            call bpf_ktime_get_ns
            r7 = r0                       ; now
            r1 = *(u32 *)(r6 +24)         ; prev_pid: the task leaving the CPU
            *(u32 *)(r10 -4) = r1
            r2 = r10
            r2 += -4
            r1 = map[start] ll
            call bpf_map_lookup_elem
            if r0 == 0 goto next          ; no start time: nothing to charge
            r1 = *(u64 *)(r0 +0)
            r2 = r7
            r2 -= r1                      ; how long it ran
            *(u64 *)(r10 -16) = r2
            r1 = map[oncpu] ll
            r2 = r10
            r2 += -4
            r3 = r10
            r3 += -16
            r4 = 0                        ; BPF_ANY
            call bpf_map_update_elem
    next:   r1 = *(u32 *)(r6 +56)         ; next_pid: the task getting the CPU
            *(u32 *)(r10 -4) = r1
            *(u64 *)(r10 -16) = r7
            r1 = map[start] ll
            r2 = r10
            r2 += -4
            r3 = r10
            r3 += -16
            r4 = 0
            call bpf_map_update_elem      ; it starts now
            r0 = 0
            exit
  `,
});

export const TRACING_LESSONS: Lesson[] = [printk, taskInfo, stackid, schedSwitch];
