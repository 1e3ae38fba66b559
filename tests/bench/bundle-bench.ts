// The app's first download (issue 26, item 7): builds the UI as `npm run build` does, into a fresh folder, and
// prints the entry chunk, the JavaScript the first screen loads (the entry and every chunk it imports statically,
// as index.html preloads them) and all the JavaScript built (the tabs, dialogs and workers fetched when used), raw
// and gzipped. A report, never pass/fail.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { printTable, ratioText } from './report-table';

interface Size {
  raw: number;
  gzip: number;
}

const sizeOf = (bytes: Buffer): Size => ({ raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
const add = (a: Size, b: Size): Size => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip });
const kb = (bytes: number) => `${(bytes / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 })} kB`;

/** The chunks a chunk imports statically (`import … from "./x.js"`, not `import("./x.js")`). */
function staticImports(code: string): string[] {
  return [...code.matchAll(/(?:\bfrom|\bimport)\s*["']\.\/([^"']+\.js)["']/g)].map((match) => match[1] ?? '');
}

const outDir = await mkdtemp(join(tmpdir(), 'spanpatch-bundle-'));
try {
  await build({ logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } });
  const assets = join(outDir, 'assets');
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  const entry = /<script type="module"[^>]*src="\/assets\/([^"]+\.js)"/.exec(html)?.[1];
  if (entry === undefined) throw new Error('No entry script in the built index.html');
  const code = new Map(
    readdirSync(assets)
      .filter((name) => name.endsWith('.js'))
      .map((name) => [name, readFileSync(join(assets, name))]),
  );
  const firstLoad = new Set<string>();
  const visit = (name: string) => {
    if (firstLoad.has(name)) return;
    firstLoad.add(name);
    for (const next of staticImports(code.get(name)?.toString('utf8') ?? '')) visit(next);
  };
  visit(entry);
  const zero: Size = { raw: 0, gzip: 0 };
  const sum = (names: Iterable<string>) =>
    [...names].reduce((total, name) => add(total, sizeOf(code.get(name) ?? Buffer.alloc(0))), zero);
  const entrySize = sum([entry]);
  const first = sum(firstLoad);
  const all = sum(code.keys());
  const row = (label: string, size: Size) =>
    [
      label,
      [
        [kb(size.raw), null],
        [`${kb(size.gzip)} ${ratioText(size.gzip, all.gzip)}`.trim(), null],
      ],
    ] as const;
  printTable(
    `The app's JavaScript (gzip level 9; ratios against all of it): ${firstLoad.size} chunks on the first screen of ${code.size}`,
    ['raw', 'gzipped, ÷ all'],
    [
      row('entry chunk', entrySize),
      row('first screen (entry + its static imports)', first),
      row('all JavaScript built', all),
    ],
  );
  const later = [...code.keys()].filter((name) => !firstLoad.has(name)).sort();
  console.log(`  fetched when used: ${later.map((name) => name.replace(/-[\w-]{8}\.js$/, '')).join(', ')}`);
} finally {
  await rm(outDir, { recursive: true, force: true });
}
