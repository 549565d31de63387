/** Programs more than one test file runs. */

/** An XDP program that drops UDP over IPv4 and passes the rest (XDP_DROP = 1, XDP_PASS = 2). */
export const XDP_DROP_UDP = `; drop UDP over IPv4, pass the rest
.type xdp
.license "GPL"
    r2 = *(u32 *)(r1 +0)
    r3 = *(u32 *)(r1 +4)
    r4 = r2
    r4 += 34
    if r4 > r3 goto pass
    r5 = *(u16 *)(r2 +12)
    if r5 != 0x8 goto pass
    r5 = *(u8 *)(r2 +23)
    if r5 != 17 goto pass
    r0 = 1
    exit
pass:
    r0 = 2
    exit
`;
