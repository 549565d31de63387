/** share: the URL codec for sessions (versioned, compressed, validated). Imports protocol and isa. */
export { encodeShare, decodeShare, MAX_FRAGMENT_LENGTH, MAX_INFLATED_BYTES } from './codec';
