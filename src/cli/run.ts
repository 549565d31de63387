/** `bpflab run`: not built yet (see the open issues). */
export async function main(_args: string[]): Promise<number> {
  console.error('bpflab run: not available yet');
  return 69;
}
