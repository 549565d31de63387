/** The run's input, editable: context fields, the packet as hex, and the packet builder. */
import { useMemo, useState } from 'react';
import { actions, selectInput, selectProgTypeInfo, selectSnap, useApp } from '../../store';
import { bytesHex, parseHexBytes } from '../../lib/format';
import { ctxFieldsTitle, editableCtxFields } from '../../lib/input';
import { decodeFrame } from '../../lib/packet';
import { TEMPLATES, buildFrame, defaultIps, type FrameSpec, type TemplateName } from '../../lib/templates';
import { PacketLayers } from './PacketLayers';

function Builder({ spec }: { spec: FrameSpec }) {
  const [error, setError] = useState<string | null>(null);
  const set = (patch: Partial<FrameSpec>) => actions.setInput({ spec: { ...spec, ...patch } });
  const [ds, dd] = defaultIps(spec.template);
  const build = () => {
    const f = buildFrame(spec);
    if (typeof f === 'string') setError(f);
    else {
      setError(null);
      actions.setInput({ packetHex: bytesHex(f) });
    }
  };
  const text = (label: string, key: keyof FrameSpec, placeholder?: string) => (
    <label>
      {label}
      <input value={String(spec[key])} placeholder={placeholder} onChange={(e) => set({ [key]: e.target.value } as Partial<FrameSpec>)} />
    </label>
  );
  const num = (label: string, key: 'srcPort' | 'dstPort' | 'vlanId' | 'ttl') => (
    <label>
      {label}
      <input type="number" className="num" value={spec[key]} onChange={(e) => set({ [key]: Number(e.target.value) || 0 })} />
    </label>
  );
  return (
    <fieldset className="builder">
      <legend>Packet builder</legend>
      <label>
        Template
        <select value={spec.template} onChange={(e) => set({ template: e.target.value as TemplateName })}>
          {TEMPLATES.map((t) => (
            <option key={t.name} value={t.name}>
              {t.label}
            </option>
          ))}
        </select>
      </label>
      {text('Source MAC', 'srcMac')}
      {text('Destination MAC', 'dstMac')}
      {text('Source IP', 'srcIp', ds)}
      {text('Destination IP', 'dstIp', dd)}
      {num('Source port', 'srcPort')}
      {num('Destination port', 'dstPort')}
      {spec.template === 'vlan-udp4' ? num('VLAN id', 'vlanId') : null}
      {num('TTL', 'ttl')}
      {text('Payload', 'payload')}
      <button type="button" className="btn" onClick={build}>
        Build packet
      </button>
      {error ? <span role="alert" className="bad small">{error}</span> : null}
    </fieldset>
  );
}

export function InputEditor() {
  const input = useApp(selectInput);
  const info = useApp(selectProgTypeInfo);
  const snap = useApp(selectSnap);
  const parsed = useMemo(() => parseHexBytes(input.packetHex), [input.packetHex]);
  const layers = useMemo(() => (typeof parsed === 'string' ? [] : decodeFrame(parsed)), [parsed]);
  const fields = editableCtxFields(info);
  return (
    <div className="pad-s input-editor">
      {snap ? <p className="muted small">Changes apply when the run restarts (Restart).</p> : null}
      {fields.length ? (
        <fieldset>
          <legend>{info ? ctxFieldsTitle(info) : ''}</legend>
          <div className="fields">
            {fields.map((f) => (
              <label key={f.name} title={f.doc}>
                {f.name}
                <input
                  className="num mono"
                  value={input.ctxValues[f.name] ?? ''}
                  placeholder="0"
                  onChange={(e) => actions.setInput({ ctxValues: { ...input.ctxValues, [f.name]: e.target.value } })}
                />
              </label>
            ))}
          </div>
        </fieldset>
      ) : null}
      {info?.ctxIn?.kind === 'record' ? (
        <fieldset>
          <legend>Tracepoint</legend>
          <label>
            Tracepoint
            <input value={input.tracepoint} onChange={(e) => actions.setInput({ tracepoint: e.target.value })} />
          </label>
          <label className="block">
            Record (hex)
            <textarea rows={3} className="mono" value={input.tpHex} onChange={(e) => actions.setInput({ tpHex: e.target.value })} />
          </label>
        </fieldset>
      ) : null}
      {info?.packet ? (
        <>
          <Builder spec={input.spec} />
          <label className="block">
            Packet (hex){typeof parsed === 'string' ? '' : `, ${parsed.length} bytes`}
            <textarea rows={4} className="mono" spellCheck={false} value={input.packetHex} onChange={(e) => actions.setInput({ packetHex: e.target.value })} />
          </label>
          {typeof parsed === 'string' ? <p role="alert" className="bad small">{parsed}</p> : <PacketLayers layers={layers} />}
        </>
      ) : null}
      <label>
        Repeat
        <input type="number" min={1} className="num" value={input.repeat} onChange={(e) => actions.setInput({ repeat: Math.max(1, Number(e.target.value) || 1) })} />
      </label>
    </div>
  );
}
