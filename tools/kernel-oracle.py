#!/usr/bin/env python3
"""bpflab's kernel oracle: puts a `bpflab run --json` request to this machine's Linux kernel.

The same request file that `npm run -s bpflab -- run --json FILE` answers with the simulated
Linux 4.8 is answered here by the real bpf(2) of the host, in the same JSON shape, so the two
answers can be compared field by field. It needs Linux and root (or CAP_BPF with CAP_PERFMON
and CAP_NET_ADMIN); nothing but Python 3's standard library.

    python3 tools/kernel-oracle.py FILE          one request (JSON) or JSON Lines; FILE - is stdin
    python3 tools/kernel-oracle.py --lines FILE  JSON Lines in, one compact answer a line out
    python3 tools/kernel-oracle.py --probe       whether this kernel answers at all

`npm run -s oracle -- FILE` runs it through bpflab's own front end, which also takes requests
with assembly `source` (docs/kernel.md, "The kernel oracle").

Requests take the instruction form only (this file does not assemble):
  prog_type     name ("socket_filter", "kprobe", "sched_cls", "sched_act", "tracepoint", "xdp")
                or number; default socket_filter
  insns         ["b700000007000000", ...]: 8 bytes a slot, hex, in memory order
  license       default "GPL";  kern_version  default 0
  log_level     default 1;  log_size  default 1 MiB when log_level is not 0, else 0; a log
                buffer of log_size bytes is passed when log_size is not 0 (as given, so that the
                kernel's own checks of the three attributes decide)
  maps          [{name, type, key_size, value_size, max_entries, flags?, entries?}], entries
                [{key, value | value_prog, flags?}]; per-CPU values are cut or zero-padded to
                round_up(value_size, 8) bytes per possible CPU
  map_fixups    [{insn, map}]: that ld_imm64 gets the map's fd, src_reg BPF_PSEUDO_MAP_FD
  progs         [{name, insns, map_fixups?, license?, kern_version?}]: loaded first, with the
                main program's type; an entry {"value_prog": NAME} of a prog_array gets its fd
  run           {data?, ctx?, repeat?}: BPF_PROG_TEST_RUN of the main program

Answers:
  {"available": true, "kernel": RELEASE,
   "load": {"ok", "errno", "error", "log", "log_truncated"},
   "run": {"ok", "errno", "error", "retval", "data_out", "duration_ns"},   (when asked)
   "maps": [{"name", "entries": [{"key", "value", "error"}]}]}               (GET_NEXT_KEY order)
  {"available": true, "request_error": TEXT}      the request itself could not be carried out
  {"available": false, "why": TEXT}               this machine cannot answer (exit status 3)
Exit status: 0, or 2 when some request got a request_error, 3 when the kernel cannot answer.
Anything else (a Python traceback, exit status 1) is a bug of this tool.
"""
import ctypes
import errno
import json
import os
import platform
import sys

# ---------------------------------------------------------------------------------------------
# bpf(2) through libc's syscall(), with one ctypes structure per command (linux/bpf.h)

NR_BPF = {"x86_64": 321, "aarch64": 280, "riscv64": 280, "loongarch64": 280, "ppc64le": 361,
          "ppc64": 361, "s390x": 351, "i686": 357, "i386": 357, "armv7l": 386, "armv6l": 386}

BPF_MAP_CREATE, BPF_MAP_LOOKUP_ELEM, BPF_MAP_UPDATE_ELEM = 0, 1, 2
BPF_MAP_GET_NEXT_KEY, BPF_PROG_LOAD, BPF_PROG_TEST_RUN = 4, 5, 10

MAP_TYPES = ["unspec", "hash", "array", "prog_array", "perf_event_array", "percpu_hash",
             "percpu_array", "stack_trace", "cgroup_array"]
PROG_TYPES = ["unspec", "socket_filter", "kprobe", "sched_cls", "sched_act", "tracepoint", "xdp"]
PERCPU_MAPS = (5, 6)
PROG_ARRAY = 3
LD_IMM64 = 0x18
PSEUDO_MAP_FD = 1
MAX_DUMP = 4096  # entries dumped per map, as bpflab's run --json dumps them

u32, u64 = ctypes.c_uint32, ctypes.c_uint64


class MapCreateAttr(ctypes.Structure):
    _fields_ = [("map_type", u32), ("key_size", u32), ("value_size", u32),
                ("max_entries", u32), ("map_flags", u32)]


class MapElemAttr(ctypes.Structure):
    # `value` is `next_key` for BPF_MAP_GET_NEXT_KEY
    _fields_ = [("map_fd", u32), ("_pad", u32), ("key", u64), ("value", u64), ("flags", u64)]


class ProgLoadAttr(ctypes.Structure):
    _fields_ = [("prog_type", u32), ("insn_cnt", u32), ("insns", u64), ("license", u64),
                ("log_level", u32), ("log_size", u32), ("log_buf", u64), ("kern_version", u32)]


class TestRunAttr(ctypes.Structure):
    _fields_ = [("prog_fd", u32), ("retval", u32), ("data_size_in", u32), ("data_size_out", u32),
                ("data_in", u64), ("data_out", u64), ("repeat", u32), ("duration", u32),
                ("ctx_size_in", u32), ("ctx_size_out", u32), ("ctx_in", u64), ("ctx_out", u64)]


# errnos the kernel returns that userspace's errno.h does not name (include/linux/errno.h)
KERNEL_ONLY_ERRNOS = {512: "ERESTARTSYS", 513: "ERESTARTNOINTR", 514: "ERESTARTNOHAND",
                      515: "ENOIOCTLCMD", 516: "ERESTART_RESTARTBLOCK", 517: "EPROBE_DEFER",
                      518: "EOPENSTALE", 519: "ENOPARAM", 521: "EBADHANDLE", 522: "ENOTSYNC",
                      523: "EBADCOOKIE", 524: "ENOTSUPP", 525: "ETOOSMALL", 526: "ESERVERFAULT",
                      527: "EBADTYPE", 528: "EJUKEBOX", 529: "EIOCBQUEUED", 530: "ERECALLCONFLICT"}


def errno_name(n):
    return errno.errorcode.get(n) or KERNEL_ONLY_ERRNOS.get(n) or str(n)


class Syscall:
    """bpf(cmd, &attr, sizeof attr): the result (an fd or 0) and errno, 0 on success."""

    def __init__(self):
        self.nr = NR_BPF.get(platform.machine())
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.libc.syscall.restype = ctypes.c_long

    def __call__(self, cmd, attr):
        ctypes.set_errno(0)
        r = self.libc.syscall(ctypes.c_long(self.nr), ctypes.c_long(cmd), ctypes.byref(attr),
                              ctypes.c_long(ctypes.sizeof(attr)))
        return (r, 0) if r >= 0 else (r, ctypes.get_errno())


def address(buf):
    return ctypes.addressof(buf) if buf is not None else 0


def possible_cpus():
    """The kernel's num_possible_cpus(): per-CPU map values hold one slot for each."""
    try:
        with open("/sys/devices/system/cpu/possible") as f:
            ranges = f.read().strip().split(",")
    except OSError:
        return os.cpu_count() or 1
    count = 0
    for r in ranges:
        lo, _, hi = r.partition("-")
        count += int(hi or lo) - int(lo) + 1
    return count


# ---------------------------------------------------------------------------------------------
# Reading a request: strict, every problem a RequestError with the field's path

class RequestError(Exception):
    pass


def expect(cond, where, what):
    if not cond:
        raise RequestError("%s: %s" % (where, what))


def check_fields(obj, where, allowed):
    expect(isinstance(obj, dict), where, "expected an object")
    for key in obj:
        expect(key in allowed, where, 'unknown field "%s" (the host kernel oracle takes %s)'
               % (key, ", ".join(allowed)))


def integer(obj, key, where, default=None, top=0xFFFFFFFF):
    v = obj.get(key, default)
    expect(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= top,
           "%s.%s" % (where, key), "expected an integer from 0 to %d" % top)
    return v


def text(obj, key, where, default=None):
    v = obj.get(key, default)
    expect(isinstance(v, str), "%s.%s" % (where, key), "expected a string")
    return v


def hex_bytes(v, where):
    expect(isinstance(v, str), where, "expected hex digits in a string")
    digits = "".join(v.split())
    expect(len(digits) % 2 == 0, where, "odd number of hex digits")
    try:
        return bytes.fromhex(digits)
    except ValueError:
        raise RequestError("%s: not hex" % where)


def enum(v, names, where, what):
    if isinstance(v, int) and not isinstance(v, bool) and v >= 0:
        return v
    expect(v in names, where, "unknown %s %s (known: %s)" % (what, json.dumps(v), ", ".join(names[1:])))
    return names.index(v)


def instructions(obj, where):
    slots = obj.get("insns")
    expect(isinstance(slots, list), where + ".insns", "expected a list of 16-hex-digit slots")
    out = bytearray()
    for i, s in enumerate(slots):
        b = hex_bytes(s, "%s.insns[%d]" % (where, i))
        expect(len(b) == 8, "%s.insns[%d]" % (where, i), "an instruction is 8 bytes (16 hex digits)")
        out += b
    return out


PROG_FIELDS = ("name", "insns", "map_fixups", "license", "kern_version")
MAIN_FIELDS = PROG_FIELDS + ("prog_type", "log_level", "log_size", "maps", "progs", "run")
MAP_FIELDS = ("name", "type", "key_size", "value_size", "max_entries", "flags", "entries")
ENTRY_FIELDS = ("key", "value", "value_prog", "flags")
RUN_FIELDS = ("data", "ctx", "repeat")
NOT_HERE = {
    "source": "assembly needs bpflab's assembler: use npm run -s oracle -- FILE",
    "syntax": "assembly needs bpflab's assembler: use npm run -s oracle -- FILE",
    "verify": "the host kernel always verifies",
    "unprivileged": "this oracle loads as root",
    "semantics": "the host kernel has one semantics, its own",
    "world": "the host kernel runs in its own world",
}


def program_spec(obj, where, allowed):
    expect(isinstance(obj, dict), where, "expected an object")
    for key, why in NOT_HERE.items():
        expect(key not in obj, where, '"%s" is bpflab\'s: %s' % (key, why))
    check_fields(obj, where, allowed)
    fixups = obj.get("map_fixups", [])
    expect(isinstance(fixups, list), where + ".map_fixups", "expected a list")
    for i, f in enumerate(fixups):
        w = "%s.map_fixups[%d]" % (where, i)
        check_fields(f, w, ("insn", "map"))
        integer(f, "insn", w)
        text(f, "map", w)
    return {"insns": instructions(obj, where), "fixups": fixups,
            "license": text(obj, "license", where, "GPL"),
            "kern_version": integer(obj, "kern_version", where, 0)}


def map_spec(m, where):
    check_fields(m, where, MAP_FIELDS)
    spec = {"name": text(m, "name", where),
            "type": enum(m.get("type"), MAP_TYPES, where + ".type", "map type"),
            "key_size": integer(m, "key_size", where), "value_size": integer(m, "value_size", where),
            "max_entries": integer(m, "max_entries", where), "flags": integer(m, "flags", where, 0),
            "entries": []}
    entries = m.get("entries", [])
    expect(isinstance(entries, list), where + ".entries", "expected a list")
    for i, e in enumerate(entries):
        w = "%s.entries[%d]" % (where, i)
        expect(isinstance(e, dict) and "value_perf_cpu" not in e and "value_cgroup" not in e, w,
               "perf event and cgroup slots are bpflab's: this oracle opens no perf events or cgroups")
        check_fields(e, w, ENTRY_FIELDS)
        expect(("value" in e) != ("value_prog" in e), w, 'give one of "value", "value_prog"')
        spec["entries"].append({
            "key": hex_bytes(e.get("key"), w + ".key"),
            "value": hex_bytes(e["value"], w + ".value") if "value" in e else None,
            "prog": text(e, "value_prog", w) if "value_prog" in e else None,
            "flags": integer(e, "flags", w, 0, 0xFFFFFFFFFFFFFFFF)})
    return spec


def run_spec(r):
    expect(isinstance(r, dict) and "mem" not in r and "tracepoint" not in r, "run",
           "run.mem and run.tracepoint are bpflab's; the host's test run takes data, ctx, repeat")
    check_fields(r, "run", RUN_FIELDS)
    return {"data": hex_bytes(r.get("data", ""), "run.data"),
            "ctx": hex_bytes(r.get("ctx") or "", "run.ctx"),
            "repeat": integer(r, "repeat", "run", 1)}


def read_request(req):
    main = program_spec(req, "request", MAIN_FIELDS)
    main["prog_type"] = enum(req.get("prog_type", "socket_filter"), PROG_TYPES, "prog_type", "program type")
    main["log_level"] = integer(req, "log_level", "request", 1)
    main["log_size"] = integer(req, "log_size", "request", (1 << 20) if main["log_level"] else 0)
    maps, progs = req.get("maps", []), req.get("progs", [])
    expect(isinstance(maps, list), "maps", "expected a list")
    expect(isinstance(progs, list), "progs", "expected a list")
    main["maps"] = [map_spec(m, "maps[%d]" % i) for i, m in enumerate(maps)]
    names = [m["name"] for m in main["maps"]]
    for n in names:
        expect(names.count(n) == 1, "maps", 'two maps are named "%s"' % n)
    main["progs"] = []
    for i, p in enumerate(progs):
        w = "progs[%d]" % i
        spec = program_spec(p, w, PROG_FIELDS)
        spec["name"] = text(p, "name", w)
        main["progs"].append(spec)
    main["run"] = run_spec(req["run"]) if "run" in req else None
    return main


# ---------------------------------------------------------------------------------------------
# Carrying a request out: every fd it opens is closed when it is answered

class Kernel:
    def __init__(self, bpf, ncpus):
        self.bpf = bpf
        self.ncpus = ncpus
        self.fds = []

    def close(self):
        for fd in self.fds:
            os.close(fd)
        self.fds = []

    def opened(self, fd):
        self.fds.append(fd)
        return fd

    def value_size(self, spec):
        if spec["type"] in PERCPU_MAPS:
            return (spec["value_size"] + 7) // 8 * 8 * self.ncpus
        return spec["value_size"]

    def create_map(self, spec):
        attr = MapCreateAttr(spec["type"], spec["key_size"], spec["value_size"],
                             spec["max_entries"], spec["flags"])
        fd, err = self.bpf(BPF_MAP_CREATE, attr)
        if err:
            raise RequestError("map %s: MAP_CREATE failed: %s" % (spec["name"], errno_name(err)))
        return self.opened(fd)

    def update(self, name, fd, key, value, flags):
        k = ctypes.create_string_buffer(key, max(len(key), 1))
        v = ctypes.create_string_buffer(value, max(len(value), 1))
        _, err = self.bpf(BPF_MAP_UPDATE_ELEM, MapElemAttr(fd, 0, address(k), address(v), flags))
        if err:
            raise RequestError("map %s: update failed: %s" % (name, errno_name(err)))

    def dump(self, fd, spec):
        key_size, value_size = spec["key_size"], self.value_size(spec)
        entries, key = [], None
        while len(entries) < MAX_DUMP:
            cur = None if key is None else ctypes.create_string_buffer(key, max(key_size, 1))
            nxt = ctypes.create_string_buffer(max(key_size, 1))
            _, err = self.bpf(BPF_MAP_GET_NEXT_KEY, MapElemAttr(fd, 0, address(cur), address(nxt), 0))
            if err:
                break
            key = nxt.raw[:key_size]
            k = ctypes.create_string_buffer(key, max(key_size, 1))
            v = ctypes.create_string_buffer(max(value_size, 1))
            _, err = self.bpf(BPF_MAP_LOOKUP_ELEM, MapElemAttr(fd, 0, address(k), address(v), 0))
            entries.append({"key": key.hex(), "value": None if err else v.raw[:value_size].hex(),
                            "error": errno_name(err) if err else None})
        return entries

    def load(self, prog_type, spec, maps, log_level, log_size):
        """PROG_LOAD with the fixups applied: (fd or -1, errno, log text)."""
        insns = bytearray(spec["insns"])
        for f in spec["fixups"]:
            if f["map"] not in maps:
                raise RequestError("map fixup names unknown map %s" % json.dumps(f["map"]))
            at = f["insn"] * 8
            if at + 8 > len(insns) or insns[at] != LD_IMM64:
                raise RequestError("map fixup at insn %d: not a ld_imm64" % f["insn"])
            insns[at + 1] = (insns[at + 1] & 0x0F) | (PSEUDO_MAP_FD << 4)
            insns[at + 4:at + 8] = maps[f["map"]][0].to_bytes(4, "little")
        code = ctypes.create_string_buffer(bytes(insns), max(len(insns), 1))
        lic = ctypes.create_string_buffer(spec["license"].encode())
        log = ctypes.create_string_buffer(log_size) if log_size else None
        attr = ProgLoadAttr(prog_type, len(insns) // 8, address(code), address(lic),
                            log_level, log_size, address(log), spec["kern_version"])
        fd, err = self.bpf(BPF_PROG_LOAD, attr)
        if not err:
            self.opened(fd)
        text = log.raw.split(b"\0", 1)[0].decode("utf-8", "replace") if log is not None else ""
        return fd, err, text

    def test_run(self, fd, run):
        data, ctx = run["data"], run["ctx"]
        din = ctypes.create_string_buffer(data, len(data)) if data else None
        out_size = len(data) + 65536  # room for whatever the program grows the packet by
        dout = ctypes.create_string_buffer(out_size)
        cin = ctypes.create_string_buffer(ctx, len(ctx)) if ctx else None
        attr = TestRunAttr(prog_fd=fd, data_size_in=len(data), data_size_out=out_size,
                           data_in=address(din), data_out=address(dout), repeat=run["repeat"],
                           ctx_size_in=len(ctx), ctx_in=address(cin))
        _, err = self.bpf(BPF_PROG_TEST_RUN, attr)
        if err:
            return {"ok": False, "errno": err, "error": errno_name(err), "retval": None,
                    "data_out": None, "duration_ns": None}
        return {"ok": True, "errno": 0, "error": None, "retval": attr.retval,
                "data_out": dout.raw[:attr.data_size_out].hex(), "duration_ns": attr.duration}


def fit(value, size):
    return value[:size].ljust(size, b"\0")


def carry_out(kernel, req):
    maps = {}
    for spec in req["maps"]:
        fd = kernel.create_map(spec)
        maps[spec["name"]] = (fd, spec)
        for e in spec["entries"]:
            if e["prog"] is None:
                kernel.update(spec["name"], fd, e["key"], fit(e["value"], kernel.value_size(spec)), e["flags"])
    progs = {}
    for p in req["progs"]:
        fd, err, log = kernel.load(req["prog_type"], p, maps, 1, 1 << 20)
        if err:
            raise RequestError("program %s: PROG_LOAD failed: %s\n%s" % (p["name"], errno_name(err), log))
        progs[p["name"]] = fd
    for fd, spec in maps.values():
        for e in spec["entries"]:
            if e["prog"] is not None:
                if e["prog"] not in progs:
                    raise RequestError("map %s: unknown program %s" % (spec["name"], json.dumps(e["prog"])))
                kernel.update(spec["name"], fd, e["key"], progs[e["prog"]].to_bytes(4, "little"), e["flags"])
    fd, err, log = kernel.load(req["prog_type"], req, maps, req["log_level"], req["log_size"])
    answer = {"available": True, "kernel": platform.release(),
              "load": {"ok": not err, "errno": err, "error": errno_name(err) if err else None,
                       "log": log, "log_truncated": err == errno.ENOSPC}}
    if not err and req["run"] is not None:
        answer["run"] = kernel.test_run(fd, req["run"])
    answer["maps"] = [{"name": name, "entries": kernel.dump(mfd, spec)} for name, (mfd, spec) in maps.items()]
    return answer


def answer(kernel, raw):
    try:
        return carry_out(kernel, read_request(raw))
    except RequestError as e:
        return {"available": True, "request_error": str(e)}
    finally:
        kernel.close()


# ---------------------------------------------------------------------------------------------
# Whether this machine answers at all, and the command line

PROBE_PROGRAM = bytes.fromhex("b700000000000000" "9500000000000000")  # r0 = 0; exit


def unavailable(bpf):
    """Why this machine cannot answer, or None: Linux, a known syscall number, and a tiny program loads."""
    if platform.system() != "Linux":
        return "not Linux (%s): bpf(2) is Linux's" % platform.system()
    if bpf.nr is None:
        return "bpf(2)'s syscall number on %s is not known to this oracle" % platform.machine()
    k = Kernel(bpf, 1)
    try:
        fd, err, log = k.load(1, {"insns": PROBE_PROGRAM, "fixups": [], "license": "GPL", "kern_version": 0}, {}, 0, 0)
    finally:
        k.close()
    if err in (errno.EPERM, errno.EACCES):
        return "bpf(2) refused: %s (run as root, or with CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN)" % errno_name(err)
    if err == errno.ENOSYS:
        return "bpf(2) refused: ENOSYS (a kernel built without CONFIG_BPF_SYSCALL)"
    if err:
        return "a two-instruction socket filter did not load: %s" % errno_name(err)
    return None


def read_input(path, lines):
    src = sys.stdin if path in (None, "-") else open(path, encoding="utf-8")
    with src:
        body = src.read()
    if not lines:
        try:
            return [json.loads(body)], False
        except ValueError:
            pass
    out = []
    for n, line in enumerate(body.splitlines(), 1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except ValueError as e:
                out.append(RequestError("line %d: invalid JSON: %s" % (n, e)))
    return out, True


def main(argv):
    args = [a for a in argv if a not in ("--lines", "--probe")]
    if len(args) > 1 or any(a.startswith("-") and a != "-" for a in args):
        print("usage: kernel-oracle.py [--lines] [FILE|-] | --probe", file=sys.stderr)
        return 64
    bpf = Syscall()
    why = unavailable(bpf)
    if why:
        print(json.dumps({"available": False, "why": why}))
        return 3
    if "--probe" in argv:
        print(json.dumps({"available": True, "kernel": platform.release()}))
        return 0
    requests, as_lines = read_input(args[0] if args else None, "--lines" in argv)
    kernel = Kernel(bpf, possible_cpus())
    answers = [{"available": True, "request_error": str(r)} if isinstance(r, RequestError) else answer(kernel, r)
               for r in requests]
    for a in answers:
        print(json.dumps(a) if as_lines else json.dumps(a, indent=1))
    sys.stdout.flush()
    return 2 if any("request_error" in a for a in answers) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
