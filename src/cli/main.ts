/**
 * bpflab's command line: `npm run -s bpflab -- COMMAND ...`. Each command is a module with a
 * `main(args)` that returns the exit code; this file only dispatches.
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<{ main(args: string[]): Promise<number> }> }> = {
  asm: { summary: 'asm FILE [--syntax llvm|ubpf] [--json]   assemble to hex slots', load: () => import('./asm') },
  disasm: { summary: 'disasm FILE [--format kernel|llvm|ubpf] [--raw]   disassemble hex slots or raw bytes', load: () => import('./disasm') },
  run: { summary: 'run --json FILE   answer run requests with the simulated Linux 4.8 (one object or JSON Lines)', load: () => import('./run') },
  load: { summary: 'load OBJECT [--section S] [--type T] [--log-level N] [--json] [--kernel]   load a clang object\'s programs (as bpftool prog load)', load: () => import('./load') },
  oracle: { summary: 'oracle FILE   answer the same requests with this machine\'s kernel (Linux, root)', load: () => import('./oracle') },
};

function usage(): string {
  return ['usage: bpflab COMMAND ...', ...Object.values(COMMANDS).map((c) => `  ${c.summary}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    console.log(usage());
    return cmd ? 0 : 2;
  }
  const entry = COMMANDS[cmd];
  if (!entry) {
    console.error(`bpflab: unknown command '${cmd}'\n${usage()}`);
    return 2;
  }
  const mod = await entry.load();
  return mod.main(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Only our own bugs get here: every expected failure is a value with a message.
    console.error(`bpflab: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 70;
  },
);
