/** Struct layouts of the UAPI that programs see: offsets and sizes in bytes (x86-64). */

export interface Field {
  name: string;
  offset: number;
  size: number;
  doc?: string;
}

export interface Layout {
  name: string;
  size: number;
  fields: readonly Field[];
}

const u32s = (names: readonly string[], docs: Record<string, string> = {}): Field[] =>
  names.map((name, i) => ({ name, offset: i * 4, size: 4, doc: docs[name] }));

/** struct __sk_buff (4.8): 21 u32 fields, 84 bytes. */
export const SK_BUFF: Layout = {
  name: '__sk_buff',
  size: 84,
  fields: u32s(
    [
      'len', 'pkt_type', 'mark', 'queue_mapping', 'protocol', 'vlan_present', 'vlan_tci', 'vlan_proto',
      'priority', 'ingress_ifindex', 'ifindex', 'tc_index', 'cb[0]', 'cb[1]', 'cb[2]', 'cb[3]', 'cb[4]',
      'hash', 'tc_classid', 'data', 'data_end',
    ],
    {
      len: 'length of the packet data',
      pkt_type: 'PACKET_HOST 0, BROADCAST 1, MULTICAST 2, OTHERHOST 3',
      mark: 'skb->mark, writable by tc programs',
      queue_mapping: 'transmit queue',
      protocol: 'ethertype in network byte order',
      vlan_present: '1 if a VLAN tag is held outside the packet',
      vlan_tci: 'VLAN tag control information',
      vlan_proto: 'VLAN protocol in network byte order',
      priority: 'skb->priority, writable by tc programs',
      ingress_ifindex: 'ifindex the packet arrived on',
      ifindex: 'ifindex of the device',
      tc_index: 'traffic-control index, writable by tc programs',
      hash: 'flow hash',
      tc_classid: 'tc class id, writable by tc programs',
      data: 'start of packet data (direct packet access, tc only)',
      data_end: 'end of packet data (direct packet access, tc only)',
    },
  ),
};

/** The field called `name` of a layout; a missing one is a bug of the caller. */
export function fieldNamed(layout: Layout, name: string): Field {
  const f = layout.fields.find((x) => x.name === name);
  if (!f) throw new Error(`${layout.name} has no field ${name}`);
  return f;
}

/** struct xdp_md (4.8): data, data_end. */
export const XDP_MD: Layout = { name: 'xdp_md', size: 8, fields: u32s(['data', 'data_end']) };

/** struct bpf_tunnel_key (4.8): 28 bytes. */
export const TUNNEL_KEY: Layout = {
  name: 'bpf_tunnel_key',
  size: 28,
  fields: [
    { name: 'tunnel_id', offset: 0, size: 4 },
    { name: 'remote_ipv4', offset: 4, size: 4, doc: 'or remote_ipv6[4] at the same offset, 16 bytes' },
    { name: 'remote_ipv6', offset: 4, size: 16 },
    { name: 'tunnel_tos', offset: 20, size: 1 },
    { name: 'tunnel_ttl', offset: 21, size: 1 },
    { name: 'tunnel_ext', offset: 22, size: 2 },
    { name: 'tunnel_label', offset: 24, size: 4 },
  ],
};

/** x86-64 struct pt_regs: 21 unsigned longs, 168 bytes. */
export const PT_REGS: Layout = {
  name: 'pt_regs',
  size: 168,
  fields: [
    'r15', 'r14', 'r13', 'r12', 'bp', 'bx', 'r11', 'r10', 'r9', 'r8', 'ax', 'cx', 'dx', 'si', 'di',
    'orig_ax', 'ip', 'cs', 'flags', 'sp', 'ss',
  ].map((name, i) => ({ name, offset: i * 8, size: 8 })),
};

/** The field covering byte `offset` of a layout, if any. */
export function fieldAt(layout: Pick<Layout, 'fields'>, offset: number): Field | undefined {
  return layout.fields.find((f) => offset >= f.offset && offset < f.offset + f.size);
}
