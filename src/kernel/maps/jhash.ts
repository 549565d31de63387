/**
 * Bob Jenkins' lookup3 hash as linux/jhash.h has it: `jhash` over bytes and `jhash2` over 32-bit
 * words. 4.8's hash maps hash a key with jhash(key, key_size, 0) and its stack maps hash the
 * instruction pointers with jhash2(ips, nr * 2, 0); the bucket is hash & (n_buckets - 1), so
 * reproducing the hash reproduces the kernel's iteration order.
 */

const JHASH_INITVAL = 0xdeadbeef;

const rol32 = (w: number, s: number): number => ((w << s) | (w >>> (32 - s))) >>> 0;

/** The mix and final steps work on a three-word state; one array avoids allocation per call. */
const st = new Uint32Array(3);

function mix(): void {
  let a = st[0], b = st[1], c = st[2];
  a = (a - c) >>> 0; a ^= rol32(c, 4); c = (c + b) >>> 0;
  b = (b - a) >>> 0; b ^= rol32(a, 6); a = (a + c) >>> 0;
  c = (c - b) >>> 0; c ^= rol32(b, 8); b = (b + a) >>> 0;
  a = (a - c) >>> 0; a ^= rol32(c, 16); c = (c + b) >>> 0;
  b = (b - a) >>> 0; b ^= rol32(a, 19); a = (a + c) >>> 0;
  c = (c - b) >>> 0; c ^= rol32(b, 4); b = (b + a) >>> 0;
  st[0] = a; st[1] = b; st[2] = c;
}

function final(): void {
  let a = st[0], b = st[1], c = st[2];
  c ^= b; c = (c - rol32(b, 14)) >>> 0;
  a ^= c; a = (a - rol32(c, 11)) >>> 0;
  b ^= a; b = (b - rol32(a, 25)) >>> 0;
  c ^= b; c = (c - rol32(b, 16)) >>> 0;
  a ^= c; a = (a - rol32(c, 4)) >>> 0;
  b ^= a; b = (b - rol32(a, 14)) >>> 0;
  c ^= b; c = (c - rol32(b, 24)) >>> 0;
  st[0] = a; st[1] = b; st[2] = c;
}

const le32 = (k: Uint8Array, o: number): number => (k[o] | (k[o + 1] << 8) | (k[o + 2] << 16) | (k[o + 3] << 24)) >>> 0;

/** jhash(key, length, initval): the hash of `key`'s bytes. */
export function jhash(key: Uint8Array, initval = 0): number {
  let length = key.length;
  const init = (JHASH_INITVAL + length + initval) >>> 0;
  st[0] = st[1] = st[2] = init;
  let o = 0;
  while (length > 12) {
    st[0] += le32(key, o);
    st[1] += le32(key, o + 4);
    st[2] += le32(key, o + 8);
    mix();
    length -= 12;
    o += 12;
  }
  if (length === 0) return st[2];
  // the kernel's fall-through switch: each remaining byte lands in a, b or c by position
  for (let i = length - 1; i >= 0; i--) {
    const word = i >> 2;
    st[word] += key[o + i] << ((i & 3) * 8);
  }
  final();
  return st[2];
}

/** jhash2(words, length, initval): the hash of 32-bit words. */
export function jhash2(words: Uint32Array | readonly number[], initval = 0): number {
  let length = words.length;
  const init = (JHASH_INITVAL + (length << 2) + initval) >>> 0;
  st[0] = st[1] = st[2] = init;
  let o = 0;
  while (length > 3) {
    st[0] += words[o];
    st[1] += words[o + 1];
    st[2] += words[o + 2];
    mix();
    length -= 3;
    o += 3;
  }
  if (length === 0) return st[2];
  for (let i = length - 1; i >= 0; i--) st[i] += words[o + i];
  final();
  return st[2];
}

/** roundup_pow_of_two for the bucket count; 0 when the result would not fit in 32 bits. */
export function roundupPowOfTwo(n: number): number {
  if (n <= 1) return 1;
  const p = 2 ** Math.ceil(Math.log2(n));
  // guard against floating error near powers of two
  const exact = p / 2 >= n ? p / 2 : p;
  return exact > 0xffffffff ? 0 : exact;
}
