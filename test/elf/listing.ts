/** Reads the llvm-objdump and llvm-readelf listings committed beside the ELF fixtures. */
import { readFileSync } from 'node:fs';

const FIXTURES = 'test/fixtures/elf';

interface ListedSection {
  name: string;
  /** slot index -> the instruction's bytes as printed (8 or 16) */
  insns: Map<number, number[]>;
  /** slot index -> symbol name of an R_BPF_64_64 relocation */
  relocs: Map<number, string>;
  /** label or function name -> slot index */
  symbols: Map<string, number>;
}

/** `llvm-objdump -d -r` output, one entry per disassembled section. */
export function objdump(name: string): ListedSection[] {
  const out: ListedSection[] = [];
  let cur: ListedSection | undefined;
  for (const line of readFileSync(`${FIXTURES}/${name}.objdump.txt`, 'utf8').split('\n')) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^Disassembly of section (.+):$/))) {
      cur = { name: m[1], insns: new Map(), relocs: new Map(), symbols: new Map() };
      out.push(cur);
    } else if ((m = line.match(/^([0-9a-f]{16}) <(.+)>:$/))) {
      cur!.symbols.set(m[2], parseInt(m[1], 16) / 8);
    } else if ((m = line.match(/^\s+(\d+):\t([0-9a-f ]+?)\t/))) {
      cur!.insns.set(Number(m[1]), m[2].trim().split(' ').map((h) => parseInt(h, 16)));
    } else if ((m = line.match(/^\s+([0-9a-f]{16}):\s+R_BPF_64_64\s+(\S+)$/))) {
      cur!.relocs.set(parseInt(m[1], 16) / 8, m[2]);
    }
  }
  return out;
}

interface ListedSymbol {
  value: number;
  size: number;
  type: string;
  ndx: string;
  name: string;
}

/** `llvm-readelf -S -s`: section index -> name, and the symbol table. */
export function readelf(name: string): { sections: Map<number, string>; symbols: ListedSymbol[] } {
  const sections = new Map<number, string>();
  const symbols: ListedSymbol[] = [];
  for (const line of readFileSync(`${FIXTURES}/${name}.readelf.txt`, 'utf8').split('\n')) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^\s+\[\s*(\d+)\] (\S+)\s+[A-Z_]+\s/))) sections.set(Number(m[1]), m[2]);
    else if ((m = line.match(/^\s+\d+: ([0-9a-f]{16})\s+(\d+) (\w+)\s+\w+\s+\w+\s+(\w+) ?(.*)$/))) {
      symbols.push({ value: parseInt(m[1], 16), size: Number(m[2]), type: m[3], ndx: m[4], name: m[5] });
    }
  }
  return { sections, symbols };
}

export const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(`${FIXTURES}/${name}.o`));
