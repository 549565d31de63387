/** Compares a bpflab answer with kernel-oracle's: verdict, retval, data_out and map contents. */
import type { Answer } from '../../src/session/request';
import type { OracleAnswer } from '../support/oracle';

interface CompareOptions {
  /** maps not compared (fd arrays: the host answers prog ids or errors there) */
  skipMaps?: string[];
  /** maps compared as sets of entries (hash maps: the host seeds its hash, so the order differs) */
  setMaps?: string[];
}

type Entries = { key: string; value: string | null; error: string | null }[];
const sorted = (e: Entries): Entries => [...e].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/** The differences between the two answers, as readable lines (empty when they agree). */
export function differences(ours: Answer, host: OracleAnswer, opts: CompareOptions = {}): string[] {
  const d: string[] = [];
  if ('request_error' in ours) return [`bpflab: request_error ${ours.request_error}`];
  if (host.request_error) return [`host: request_error ${host.request_error}`];
  const hl = host.load!;
  if (ours.load.ok !== hl.ok) {
    d.push(`load: bpflab ${ours.load.ok ? 'accepts' : `refuses (${ours.load.error})`}, host ${hl.ok ? 'accepts' : `refuses (${hl.error})`}`);
    if (!ours.load.ok) d.push(`bpflab log:\n${ours.load.log}`);
    if (!hl.ok) d.push(`host log:\n${hl.log.slice(-2000)}`);
    return d;
  }
  const hr = host.run;
  const or = ours.run;
  if (hr && or) {
    if (or.ok !== hr.ok) d.push(`run.ok: bpflab ${or.ok} (${or.error} ${or.fault ?? ''}), host ${hr.ok} (${hr.error})`);
    if (or.retval !== hr.retval) d.push(`retval: bpflab ${or.retval}, host ${hr.retval}`);
    if (or.data_out !== hr.data_out) d.push(`data_out:\n  bpflab ${or.data_out}\n  host   ${hr.data_out}`);
  } else if (Boolean(hr) !== Boolean(or)) {
    d.push(`run: bpflab ${or ? 'ran' : 'did not run'}, host ${hr ? 'ran' : 'did not run'}`);
  }
  for (const hm of host.maps ?? []) {
    if (opts.skipMaps?.includes(hm.name)) continue;
    const om = ours.maps.find((m) => m.name === hm.name);
    if (!om) {
      d.push(`map ${hm.name}: missing in bpflab's answer`);
      continue;
    }
    const set = opts.setMaps?.includes(hm.name);
    const a = JSON.stringify(set ? sorted(om.entries) : om.entries);
    const b = JSON.stringify(set ? sorted(hm.entries) : hm.entries);
    if (a !== b) d.push(`map ${hm.name}:\n  bpflab ${a}\n  host   ${b}`);
  }
  return d;
}
