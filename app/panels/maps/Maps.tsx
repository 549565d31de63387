/**
 * Map inspectors: pick a map, see its entries (virtualized, so 100,000 entries scroll smoothly),
 * live during runs with the last step's entry flashing; add, edit and delete entries; keys and
 * values as hex, integers or a struct layout; per-CPU values in columns. Pins that this kernel
 * could not restore are listed above, with the reason (UnavailablePins.tsx).
 */
import { useState } from 'react';
import { actions, selectFormats, selectMaps, selectSelectedMap, useApp } from '../../store';
import { VALUE_FORMATS, type ValueFormat } from '../../lib/values';
import type { MapInfo } from '../../../src/protocol';
import { defaultFormat, editable, parseEntry } from './entries';
import { EntryTable } from './EntryTable';
import { UnavailablePins } from './UnavailablePins';

function FormatControls({ m }: { m: MapInfo }) {
  const formats = useApp(selectFormats);
  const f = formats[m.name] ?? defaultFormat(m);
  const sel = (label: string, value: ValueFormat, on: (v: ValueFormat) => void, allowStruct: boolean) => (
    <label>
      {label}
      <select value={value} onChange={(e) => on(e.target.value as ValueFormat)}>
        {VALUE_FORMATS.filter((x) => allowStruct || x !== 'struct').map((x) => (
          <option key={x} value={x}>
            {x}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div className="row wrap">
      {sel('Key format', f.key, (key) => actions.setMapFormat(m.name, { ...f, key }), false)}
      {sel('Value format', f.value, (value) => actions.setMapFormat(m.name, { ...f, value }), true)}
      {f.value === 'struct' ? (
        <label>
          Layout
          <input value={f.layout} placeholder="u32 pkts; u16 port; u8 flags[2]" onChange={(e) => actions.setMapFormat(m.name, { ...f, layout: e.target.value })} />
        </label>
      ) : null}
    </div>
  );
}

function AddEntry({ m }: { m: MapInfo }) {
  const formats = useApp(selectFormats);
  const f = formats[m.name] ?? defaultFormat(m);
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [msg, setMsg] = useState<string | null>(null);
  const add = async () => {
    const parsed = parseEntry(m, f, key, value.split('|').map((s) => s.trim()));
    if (typeof parsed === 'string') return setMsg(parsed);
    const err = await actions.mapUpdate(m.id, parsed.key, parsed.value);
    setMsg(err ? `update failed: ${err}` : 'saved');
  };
  return (
    <form
      className="row wrap add-entry"
      onSubmit={(e) => {
        e.preventDefault();
        void add();
      }}
    >
      <label>
        New key
        <input className="mono" value={key} onChange={(e) => setKey(e.target.value)} placeholder={f.key} />
      </label>
      <label>
        New value
        <input className="mono" value={value} onChange={(e) => setValue(e.target.value)} placeholder={m.ncpus > 1 ? `${f.value} | ${f.value} (one a CPU)` : f.value} />
      </label>
      <button type="submit" className="btn small">
        Update entry
      </button>
      {msg ? <span role="status" className="small">{msg}</span> : null}
    </form>
  );
}

export default function Maps() {
  const maps = useApp(selectMaps);
  const selected = useApp(selectSelectedMap);
  // the format and add-entry forms open on demand, so the entries keep the pane's height
  const [open, setOpen] = useState<'format' | 'add' | null>(null);
  const m = maps.find((x) => x.id === selected) ?? maps[0];
  if (!m) {
    return (
      <div className="maps">
        <UnavailablePins />
        <p className="muted pad">No maps yet: declare one with .map and Load, or create one in the terminal.</p>
      </div>
    );
  }
  const toggle = (which: 'format' | 'add') => setOpen(open === which ? null : which);
  return (
    <div className="maps">
      <div className="row pad-s maps-head">
        <label>
          Map
          <select value={m.id} onChange={(e) => actions.selectMap(Number(e.target.value))}>
            {maps.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name || `map ${x.id}`} (id {x.id})
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn small" aria-expanded={open === 'format'} onClick={() => toggle('format')}>
          Format
        </button>
        {editable(m) ? (
          <button type="button" className="btn small" aria-expanded={open === 'add'} onClick={() => toggle('add')}>
            Add entry
          </button>
        ) : null}
      </div>
      <UnavailablePins />
      <p className="small muted mono pad-s map-info">
        {m.typeName} · key {m.keySize} · value {m.valueSize} · max {m.maxEntries} · {m.count} entr{m.count === 1 ? 'y' : 'ies'}
        {m.ncpus > 1 ? ` · ${m.ncpus} CPUs` : ''}
        {m.pins.length ? ` · pinned ${m.pins.join(', ')}` : ''}
      </p>
      {open === 'format' ? (
        <div className="pad-s">
          <FormatControls m={m} />
        </div>
      ) : null}
      {open === 'add' && editable(m) ? (
        <div className="pad-s">
          <AddEntry m={m} />
        </div>
      ) : null}
      <EntryTable m={m} />
    </div>
  );
}
