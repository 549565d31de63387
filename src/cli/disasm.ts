/** `bpflab disasm`: not built yet (see the open issues). */
export async function main(_args: string[]): Promise<number> {
  console.error('bpflab disasm: not available yet');
  return 69;
}
