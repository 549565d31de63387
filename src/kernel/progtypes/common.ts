/**
 * What the program types build on: 4.8's two func_proto bases (sk_filter_func_proto for the
 * networking types, tracing_func_proto for kprobe and tracepoint), the refusal of a run, and
 * `defineProgType`, which fills in the data the app sees from the type's own functions.
 */
import { BPF_FUNC_MAX_ID, Errno, helperById, helperByName, type HelperProto } from '../../isa';
import type { Layout } from '../../isa';
import type { CtxAccess, CtxAccessResult, CtxInfo, ProgTypeInfo, ProgTypeOps, RunRefused } from './types';

/** A type's func_proto: the prototype it offers for helper `id`, or null. */
type FuncProto = (id: number, privileged: boolean) => HelperProto | null;

const idsOf = (names: readonly string[]): ReadonlySet<number> =>
  new Set(
    names.map((n) => {
      const h = helperByName(n);
      if (!h) throw new Error(`no helper named ${n}`);
      return h.id;
    }),
  );

/** A func_proto offering the helpers `names` and, for any other id, what `base` offers. */
export function funcProto(names: readonly string[], base?: FuncProto): FuncProto {
  const ids = idsOf(names);
  return (id, privileged) => (ids.has(id) ? helperById(id)! : base ? base(id, privileged) : null);
}

const TRACE_PRINTK = helperByName('trace_printk')!.id;
const SK_FILTER = funcProto(['map_lookup_elem', 'map_update_elem', 'map_delete_elem', 'get_prandom_u32', 'get_smp_processor_id', 'tail_call', 'ktime_get_ns']);

/** 4.8's sk_filter_func_proto: trace_printk only for a loader with CAP_SYS_ADMIN. */
export const skFilterFuncProto: FuncProto = (id, privileged) => {
  if (id === TRACE_PRINTK) return privileged ? helperById(id)! : null;
  return SK_FILTER(id, privileged);
};

/** 4.8's tracing_func_proto (kernel/trace/bpf_trace.c). */
export const tracingFuncProto: FuncProto = funcProto([
  'map_lookup_elem', 'map_update_elem', 'map_delete_elem', 'probe_read', 'ktime_get_ns', 'tail_call',
  'get_current_pid_tgid', 'get_current_task', 'get_current_uid_gid', 'get_current_comm', 'trace_printk',
  'get_smp_processor_id', 'perf_event_read', 'probe_write_user',
]);

/** BPF_PROG_TEST_RUN's refusal with `errno`. */
export const refuse = (errno: keyof typeof Errno, message: string): RunRefused => ({ ok: false, errno: Errno[errno], error: errno, message });

/** Whether a context builder refused the run. */
export const isRefused = (x: object): x is RunRefused => 'ok' in x && x.ok === false;

const offered = (f: FuncProto, privileged: boolean): number[] => {
  const out: number[] = [];
  for (let id = 1; id < BPF_FUNC_MAX_ID; id++) if (f(id, privileged)) out.push(id);
  return out;
};

/** A context struct's fields with what `access` answers for each, at its own offset and size. */
function ctxInfo(ctx: { layout: Layout } | { record: { from: number; end: number } }, access: (a: CtxAccess) => CtxAccessResult): CtxInfo {
  if ('record' in ctx) return { kind: 'record', ...ctx.record };
  const fields = ctx.layout.fields.map((f) => ({
    name: f.name,
    offset: f.offset,
    size: f.size,
    read: access({ off: f.offset, size: f.size, write: false }),
    write: access({ off: f.offset, size: f.size, write: true }) !== false,
  }));
  return { kind: 'struct', layout: ctx.layout, fields };
}

/** A program type: its ops, with the data the app sees (helpers, the context's rights) taken from its own functions. */
export function defineProgType(
  spec: Omit<ProgTypeOps, 'info'> & {
    info: Omit<ProgTypeInfo, 'helpers' | 'unprivilegedHelpers' | 'ctx' | 'ldAbs'>;
    /** BPF_PROG_LOAD accepts it without CAP_SYS_ADMIN (4.8: socket filters only) */
    unprivileged: boolean;
    /** the context: a struct, or a tracepoint's record (readable offsets) */
    ctx: { layout: Layout } | { record: { from: number; end: number } };
  },
): ProgTypeOps {
  const { unprivileged, ctx, ...ops } = spec;
  const info: ProgTypeInfo = {
    ...spec.info,
    ctx: ctxInfo(ctx, spec.ctxAccess),
    ldAbs: spec.ldAbs,
    helpers: offered(spec.funcProto, true),
    unprivilegedHelpers: unprivileged ? offered(spec.funcProto, false) : null,
  };
  return { ...ops, info };
}
