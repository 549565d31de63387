#!/usr/bin/env python3
"""The host kernel's side of `npm run bench -- replay`: a capture replayed as the kernel can,
one BPF_PROG_TEST_RUN syscall a packet.

Reads one JSON object on stdin:
  {"request": <a kernel-oracle request (tools/kernel-oracle.py), without "run">,
   "packets": ["<hex frame>", ...], "rounds": 3}
loads the program once (maps, fixups and all, through the oracle's own code), then runs it on
every packet in turn, `rounds` times, and prints one JSON line:
  {"available": true, "kernel": RELEASE, "packets": N, "ns_per_packet": BEST, "syscall_ns": S,
   "retvals": {"<retval>": count}}
`ns_per_packet` is the CPU time (user and system: the syscalls are the kernel working for this process) over the whole replay, best round, so that a busy machine disturbs it less; the attributes of every
packet's test run are built before the clock starts, so what is timed is the syscalls and the
ctypes call that makes each one. `syscall_ns` is that call on its own (BPF_PROG_TEST_RUN on fd -1,
which the kernel refuses at once), for whoever wants to subtract it.
{"available": false, "why": ...} where this machine cannot answer (exit status 3).
"""
import ctypes
import importlib.util
import json
import os
import platform
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("kernel_oracle", os.path.join(HERE, "..", "tools", "kernel-oracle.py"))
oracle = importlib.util.module_from_spec(spec)
spec.loader.exec_module(oracle)


def main():
    job = json.load(sys.stdin)
    bpf = oracle.Syscall()
    why = oracle.unavailable(bpf)
    if why:
        print(json.dumps({"available": False, "why": why}))
        return 3
    req = oracle.read_request(job["request"])
    kernel = oracle.Kernel(bpf, oracle.possible_cpus())
    try:
        maps = {}
        for m in req["maps"]:
            maps[m["name"]] = (kernel.create_map(m), m)
        fd, err, log = kernel.load(req["prog_type"], req, maps, 1, 1 << 20)
        if err:
            print(json.dumps({"available": True, "error": "PROG_LOAD: %s" % oracle.errno_name(err), "log": log}))
            return 1
        frames = [bytes.fromhex(p) for p in job["packets"]]
        keep = []
        attrs = []
        for f in frames:
            din = ctypes.create_string_buffer(f, len(f))
            dout = ctypes.create_string_buffer(len(f) + 256)
            keep += [din, dout]
            attrs.append(oracle.TestRunAttr(prog_fd=fd, data_size_in=len(f), data_size_out=len(f) + 256,
                                            data_in=ctypes.addressof(din), data_out=ctypes.addressof(dout), repeat=1))
        call = bpf.libc.syscall
        nr = ctypes.c_long(bpf.nr)
        cmd = ctypes.c_long(oracle.BPF_PROG_TEST_RUN)
        size = ctypes.c_long(ctypes.sizeof(oracle.TestRunAttr))
        refs = [ctypes.byref(a) for a in attrs]
        best = None
        for _ in range(job.get("rounds", 3)):
            t0 = time.process_time_ns()
            for r in refs:
                call(nr, cmd, r, size)
            dt = time.process_time_ns() - t0
            best = dt if best is None else min(best, dt)
        retvals = {}
        for a in attrs:
            retvals[str(a.retval)] = retvals.get(str(a.retval), 0) + 1
        bad = oracle.TestRunAttr(prog_fd=0xFFFFFFFF, repeat=1)
        bad_ref = ctypes.byref(bad)
        n = 100000
        t0 = time.process_time_ns()
        for _ in range(n):
            call(nr, cmd, bad_ref, size)
        syscall_ns = (time.process_time_ns() - t0) / n
        print(json.dumps({"available": True, "kernel": platform.release(), "packets": len(frames),
                          "ns_per_packet": best / len(frames), "syscall_ns": syscall_ns, "retvals": retvals}))
        return 0
    finally:
        kernel.close()


if __name__ == "__main__":
    sys.exit(main())
