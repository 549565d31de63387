/** Reading a command's FILE argument: a path, or `-` for standard input. Errors are messages. */
import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MAX_OBJECT_BYTES } from '../elf/reader';
import type { ObjectReader } from '../session/request-object';

/** The bytes of `file` (`-` reads stdin), or a message saying why not. */
export async function readInput(file: string): Promise<Uint8Array | string> {
  try {
    if (file !== '-') return new Uint8Array(await readFile(file));
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  } catch (e) {
    return `cannot read ${file}: ${whyNot(e)}`;
  }
}

function whyNot(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
}

/**
 * Reads the clang objects requests name (`"object": "prog.o"`): a relative path is taken from
 * `baseDir` (the request file's folder; the working directory for standard input), so a request
 * file and its object travel together. A file larger than the ELF reader takes is not read.
 */
export function objectReader(baseDir: string): ObjectReader {
  return (path) => {
    const full = resolve(baseDir, path);
    try {
      const size = statSync(full).size;
      if (size > MAX_OBJECT_BYTES) return `cannot read ${path}: ${size} bytes; objects over ${MAX_OBJECT_BYTES} are not read`;
      return new Uint8Array(readFileSync(full));
    } catch (e) {
      return `cannot read ${path}: ${whyNot(e)}`;
    }
  };
}

/** Splits `args` into flags (`--name value` / `--flag`) and positional arguments. */
export function parseArgs(
  args: string[],
  valued: readonly string[],
  bare: readonly string[],
): { flags: Map<string, string>; positional: string[] } | string {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-' || !a.startsWith('-')) positional.push(a);
    else if (a.includes('=') && valued.includes(a.slice(0, a.indexOf('=')))) flags.set(a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1));
    else if (valued.includes(a)) {
      if (i + 1 >= args.length) return `${a} needs a value`;
      flags.set(a, args[++i]);
    } else if (bare.includes(a)) flags.set(a, '');
    else return `unknown option ${a}`;
  }
  return { flags, positional };
}
