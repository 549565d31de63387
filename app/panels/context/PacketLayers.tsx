/** Decoded headers of a frame, as a list of layers with their fields. */
import type { PacketLayer } from '../../lib/packet';
import type { ByteMark } from '../../ui/HexView';

export function PacketLayers({ layers, marks }: { layers: PacketLayer[]; marks?: ReadonlyMap<number, ByteMark> }) {
  return (
    <div className="layers">
      {layers.map((l, i) => (
        <details key={i} open={l.name !== 'Payload'}>
          <summary>
            {l.name} <span className="muted small">@{l.offset}, {l.length} bytes{l.truncated ? ', truncated' : ''}</span>
          </summary>
          <dl>
            {l.fields.map((f) => {
              const hit = [...Array(f.size).keys()].map((k) => marks?.get(f.offset + k)).find(Boolean);
              return (
                <div key={`${f.name}${f.offset}`} className={hit ? `mark-${hit}` : undefined}>
                  <dt>{f.name}</dt>
                  <dd className="mono">{f.text}</dd>
                </div>
              );
            })}
          </dl>
        </details>
      ))}
    </div>
  );
}
