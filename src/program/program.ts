/**
 * Program: what the assembler produces and everything downstream consumes. Instructions as
 * bytes and decoded, the source position of each instruction, the maps declared beside the
 * code and the ld_imm64 instructions that refer to them, and the program's directives.
 */
import { decodeProgram, type Insn } from '../isa';

/** A position in the source text: 1-based line and column, as editors show them. */
export interface SourcePos {
  line: number;
  col: number;
  /** 1-based column just past the instruction's text on its line */
  endCol?: number;
}

/** A map declared in the source (`.map NAME TYPE key=K value=V entries=N [flags=F]`). */
export interface MapDecl {
  name: string;
  /** enum bpf_map_type */
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
  /** initial entries, bytes as laid out in memory */
  entries?: { key: Uint8Array; value: Uint8Array }[];
  /** where the declaration is */
  pos?: SourcePos;
}

/** An ld_imm64 that loads a map by name: the loader puts the map's fd in imm and sets src_reg 1. */
export interface MapRef {
  /** slot index of the ld_imm64 */
  pc: number;
  map: string;
}

export interface Directives {
  /** enum bpf_prog_type, from `.type NAME` */
  progType?: number;
  /** from `.license "GPL"` */
  license?: string;
  /** from `.kern_version N`, for kprobes */
  kernVersion?: number;
  /** from `.name NAME`, the program's name in bpftool and the IDE */
  name?: string;
}

export interface Program {
  /** the instruction bytes, 8 a slot; map references hold imm 0 until loaded */
  bytes: Uint8Array;
  /** instructions in order; an ld_imm64 is one instruction of two slots */
  insns: Insn[];
  /** pcs[i]: the slot index of insns[i] */
  pcs: number[];
  /** source position of the instruction starting at each slot (undefined for second halves) */
  sourceMap: (SourcePos | undefined)[];
  /** label name -> slot index */
  labels: Map<string, number>;
  maps: MapDecl[];
  mapRefs: MapRef[];
  directives: Directives;
}

/** A program made from bytes alone (no source, no labels, no declared maps). */
export function programFromBytes(bytes: Uint8Array): Program {
  const { insns, pcs } = decodeProgram(bytes);
  return {
    bytes,
    insns,
    pcs,
    sourceMap: new Array(bytes.length >> 3).fill(undefined),
    labels: new Map(),
    maps: [],
    mapRefs: [],
    directives: {},
  };
}
