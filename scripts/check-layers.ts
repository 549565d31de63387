/**
 * Guards the layers of docs/architecture.md: which module of src/ may import which, that app/
 * reaches the engine only through its public faces, and that the engine has no DOM or React.
 * Also that no file imports itself back through others: no import cycle anywhere in src/, app/,
 * scripts/, bench/, test/ or tools/, type-only imports included (each is named with its path).
 * Also that the repository stands alone: no file of it names the reference shelf that sits beside
 * our own checkouts (a user's clone has none; test/data holds what the tests need). And that
 * nothing is exported that no other file imports (deadExports, below).
 * Exits non-zero with one line per violation.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

// BPFLAB_CHECK_ROOT checks another tree (the check's own test gives it a small one)
const ROOT = process.env.BPFLAB_CHECK_ROOT ? resolve(process.env.BPFLAB_CHECK_ROOT) : resolve(dirname(new URL(import.meta.url).pathname), '..');

/** module -> the src/ modules it may import (itself always allowed) */
const SRC_RULES: Record<string, readonly string[]> = {
  isa: [],
  program: ['isa'],
  asm: ['isa', 'program'],
  mem: ['isa'],
  kernel: ['isa', 'program', 'mem'],
  verifier: ['isa', 'program', 'asm', 'kernel', 'mem'],
  vm: ['isa', 'program', 'mem', 'kernel'],
  insight: ['isa', 'program', 'asm', 'mem', 'kernel', 'verifier', 'vm', 'protocol'],
  challenges: ['isa', 'program', 'asm', 'mem', 'kernel', 'verifier', 'vm', 'protocol', 'lessons'],
  elf: ['isa', 'program', 'asm'],
  pcap: [],
  session: ['isa', 'program', 'asm', 'mem', 'kernel', 'verifier', 'vm', 'insight', 'challenges', 'protocol', 'elf', 'pcap', 'share', 'lessons'],
  lessons: ['isa', 'program', 'protocol'],
  protocol: ['*types'],
  share: ['protocol', 'isa'],
  worker: ['session', 'protocol'],
  cli: ['*'],
};
/** what app/ may import from src/ */
const APP_ALLOWED = ['protocol', 'share', 'isa', 'lessons'];

const IMPORT_RE = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.(ts|tsx)$/.test(name)) out.push(p);
  }
  return out;
}

const problems: string[] = [];
const srcDir = join(ROOT, 'src');
const moduleOf = (abs: string): string | undefined => {
  const rel = relative(srcDir, abs);
  return rel.startsWith('..') ? undefined : rel.split(sep)[0];
};

for (const file of files(srcDir)) {
  const mod = moduleOf(file)!;
  const rules = SRC_RULES[mod];
  const text = readFileSync(file, 'utf8');
  const rel = relative(ROOT, file);
  if (!rules) problems.push(`${rel}: module src/${mod} is not in the layer table (scripts/check-layers.ts)`);
  if (/\bfrom\s+['"](react|react-dom)(\/[^'"]*)?['"]/.test(text)) problems.push(`${rel}: the engine must not import React`);
  if (/\b(document|window)\.\w/.test(text.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, ''))) {
    problems.push(`${rel}: the engine must not touch the DOM`);
  }
  for (const m of text.matchAll(IMPORT_RE)) {
    const spec = m[3] ?? m[4] ?? m[5];
    const typeOnly = Boolean(m[2]);
    if (!spec || !spec.startsWith('.')) continue;
    const target = moduleOf(resolve(dirname(file), spec));
    if (target === undefined) {
      problems.push(`${rel}: imports ${spec}, outside src/`);
      continue;
    }
    if (!rules || target === mod || rules.includes('*')) continue;
    if (rules.includes('*types') && typeOnly) continue;
    if (!rules.includes(target)) problems.push(`${rel}: src/${mod} may not import src/${target} (${spec})`);
  }
}

const appDir = join(ROOT, 'app');
for (const file of files(appDir)) {
  const text = readFileSync(file, 'utf8');
  const rel = relative(ROOT, file);
  for (const m of text.matchAll(IMPORT_RE)) {
    const spec = m[3] ?? m[4] ?? m[5];
    if (!spec || !spec.startsWith('.')) continue;
    const abs = resolve(dirname(file), spec);
    const target = moduleOf(abs);
    if (target !== undefined && !APP_ALLOWED.includes(target)) {
      problems.push(`${rel}: app/ may import only src/{${APP_ALLOWED.join(',')}} from the engine, not ${spec}`);
    }
  }
}

/** The file a relative import names (`./x` is x.ts, x.tsx or x/index.ts[x]), if it is one of `known`. */
function resolveImport(from: string, spec: string, known: ReadonlySet<string>): string | undefined {
  const base = resolve(dirname(from), spec.replace(/\.js$/, ''));
  for (const c of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')]) if (known.has(c)) return c;
  return undefined;
}

/** Every import cycle, each as the path of files that closes it (Tarjan's components, then a walk in each). */
function importCycles(all: readonly string[]): string[][] {
  const known = new Set(all);
  const edges = new Map<string, string[]>();
  for (const f of all) {
    const to = new Set<string>();
    for (const m of readFileSync(f, 'utf8').matchAll(IMPORT_RE)) {
      const spec = m[3] ?? m[4] ?? m[5];
      const t = spec?.startsWith('.') ? resolveImport(f, spec, known) : undefined;
      if (t) to.add(t);
    }
    edges.set(f, [...to]);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const c: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      c.push(w);
    } while (w !== v);
    if (c.length > 1 || edges.get(v)!.includes(v)) components.push(c);
  };
  for (const v of all) if (!index.has(v)) visit(v);
  // one cycle per component: walk from its first file until a file repeats
  return components.map((c) => {
    const inside = new Set(c);
    const path = [c[0]];
    for (;;) {
      const next = edges.get(path.at(-1)!)!.find((w) => inside.has(w))!;
      const at = path.indexOf(next);
      if (at >= 0) return [...path.slice(at), next];
      path.push(next);
    }
  });
}

const CODE_DIRS = ['src', 'app', 'scripts', 'bench', 'test', 'tools'].map((d) => join(ROOT, d)).filter((d) => existsSync(d));
for (const cycle of importCycles(CODE_DIRS.flatMap(files))) {
  problems.push(`import cycle (type-only imports count too): ${cycle.map((f) => relative(ROOT, f)).join(' -> ')}`);
}

/**
 * Exports nothing imports: an exported name (value or type) that no other file of src/, app/,
 * scripts/, bench/ or test/ reaches, directly or through a barrel's re-export. Tests count as
 * importers (docs/architecture.md says why: a function a test calls is part of its module's
 * face). Names are resolved by the TypeScript compiler (aliases, `import type`, barrels). A re-export nobody imports through is dead too; a use inside the declaring file is no
 * import (drop the `export`). A module imported dynamically (`import('./x')`, the CLI's lazy
 * commands, the app's lazy panels) counts as used whole; `export default` is a tool's (configs).
 */
function deadExports(all: readonly string[]): string[] {
  const program = ts.createProgram(all, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    jsx: ts.JsxEmit.ReactJSX,
    resolveJsonModule: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const ours = program.getSourceFiles().filter((sf) => all.includes(sf.fileName) && !sf.isDeclarationFile);
  const used = new Set<ts.Symbol>();
  const whole = new Set<ts.SourceFile>();
  const fileOf = (s: ts.Symbol) => s.declarations?.[0]?.getSourceFile();
  const markFrom = (sf: ts.SourceFile, start: ts.Symbol | undefined) => {
    // the import's own alias, a barrel's re-export, the declaration: each step counts as imported
    for (let s = start, n = 0; s && n < 16; n++) {
      if (fileOf(s) !== sf) used.add(s);
      if (!(s.flags & ts.SymbolFlags.Alias)) break;
      const next = checker.getImmediateAliasedSymbol(s);
      if (next === s) break;
      s = next;
    }
  };
  for (const sf of ours) {
    const visit = (node: ts.Node): void => {
      if (ts.isExportSpecifier(node)) return; // a re-export is not a use of what it names
      if (ts.isIdentifier(node)) markFrom(sf, checker.getSymbolAtLocation(node));
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
        const target = checker.getSymbolAtLocation(node.arguments[0])?.valueDeclaration;
        if (target && ts.isSourceFile(target)) whole.add(target);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  const out: string[] = [];
  for (const sf of ours) {
    const mod = checker.getSymbolAtLocation(sf);
    if (!mod || whole.has(sf)) continue;
    for (const e of checker.getExportsOfModule(mod)) {
      const decl = e.declarations?.[0];
      if (!decl || decl.getSourceFile() !== sf || e.escapedName === 'default' || used.has(e)) continue;
      const line = sf.getLineAndCharacterOfPosition(decl.getStart()).line + 1;
      out.push(`${relative(ROOT, sf.fileName)}:${line}: export ${e.name} is imported by no other file (drop the export, or the code if nothing uses it)`);
    }
  }
  return out;
}

for (const p of deadExports(['src', 'app', 'scripts', 'bench', 'test'].map((d) => join(ROOT, d)).filter((d) => existsSync(d)).flatMap(files))) problems.push(p);

// The shelf's path is assembled here so that this file does not name it either.
const SHELF = ['..' + '/shared', '/work' + '/shared'];
const NOT_OURS = new Set(['node_modules', '.git', 'dist', 'test-results', 'coverage', 'playwright-report', '.bpflab']);
function allFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (NOT_OURS.has(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...allFiles(p));
    else out.push(p);
  }
  return out;
}
for (const file of allFiles(ROOT)) {
  const text = readFileSync(file, 'latin1');
  const hit = SHELF.find((s) => text.includes(s));
  if (hit) problems.push(`${relative(ROOT, file)}: names ${hit}, which a clone does not have (vendor the data into test/data, cite our docs)`);
}

if (problems.length) {
  for (const p of problems) console.error(p);
  console.error(`layers: ${problems.length} violation(s)`);
  process.exit(1);
}
console.log('layers: ok');
