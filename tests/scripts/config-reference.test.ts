import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The README's "Configuration reference" against the code: every environment variable the server, the command
// line, the scripts and the tests read has a row there (name, default, meaning, example), in the right table, and
// every row names a variable something reads.

/** Read by every program, not ours to document. */
const NOT_OURS = new Set([
  // The system's search path for programs.
  'PATH',
  // Read by tsx (threads find tsconfig.json by it), in the repository only.
  'TSX_TSCONFIG_PATH',
]);

/** Names of the tables of the reference, by their `###` heading. */
const TABLES = { server: 'The server', cli: 'The command line', tests: 'For the test suite' } as const;

/** The source files under a folder (TypeScript and JavaScript), recursively. */
function sourceFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder)) {
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (/\.(ts|tsx|mts|mjs|js)$/.test(entry)) files.push(path);
  }
  return files;
}

/** The text of one `## ` section of the README, up to the next one. */
function readmeSection(heading: string): string {
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no section "## ${heading}"`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** One row of a table: the variable and its other cells. */
interface Row {
  name: string;
  cells: string[];
}

/** The rows of the table under a `### ` heading of the section. */
function tableRows(section: string, heading: string): Row[] {
  const start = section.indexOf(`\n### ${heading}\n`);
  if (start < 0) throw new Error(`The configuration reference has no table "### ${heading}"`);
  const end = section.indexOf('\n### ', start + 1);
  const rows: Row[] = [];
  for (const line of section.slice(start, end < 0 ? undefined : end).split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const name = /^`([A-Z][A-Z0-9_]*)`$/.exec(cells[1] ?? '')?.[1];
    if (line.startsWith('|') && name !== undefined) rows.push({ name, cells: cells.slice(2, -1) });
  }
  return rows;
}

/** The variables the server's zod schema (src/server/config.ts) reads. */
function schemaVariables(): string[] {
  const source = readFileSync('src/server/config.ts', 'utf8');
  const start = source.indexOf('const envSchema = z.object({');
  const end = source.indexOf('\n});', start);
  if (start < 0 || end < 0)
    throw new Error('src/server/config.ts has no `const envSchema = z.object({ … });`');
  return [...source.slice(start, end).matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((match) => match[1] ?? '');
}

/**
 * The variables a folder's code reads or names: `process.env.<name>`, `env.<name>`, `env_.<name>` and
 * `env['<name>']` (any object called env: the command line and the scripts take the environment as a parameter),
 * and any `SPANPATCH_…` or `ARIZE_…` name written anywhere (a message or a constant naming a variable).
 */
function variablesIn(folders: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  const patterns = [
    /\benv_?\??\.([A-Z][A-Z0-9_]*)\b/g,
    /\benv\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\]/g,
    /\b((?:SPANPATCH|ARIZE)_[A-Z0-9_]*[A-Z0-9])\b/g,
  ];
  for (const file of folders.flatMap(sourceFiles)) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) {
        const name = match[1] ?? '';
        if (!NOT_OURS.has(name) && !found.has(name)) found.set(name, file);
      }
    }
  }
  return found;
}

const section = readmeSection('Configuration reference');
const server = tableRows(section, TABLES.server);
const cli = tableRows(section, TABLES.cli);
const tests = tableRows(section, TABLES.tests);
const documented = new Set([...server, ...cli, ...tests].map((row) => row.name));

describe("the README's configuration reference", () => {
  it("lists every variable of the server's configuration in the server's table", () => {
    const variables = schemaVariables();
    // The schema holds at least the variables of its first version: a parse that found none would prove nothing.
    expect(variables).toEqual(expect.arrayContaining(['PORT', 'HOST', 'SPANPATCH_DB', 'SPANPATCH_API_KEYS']));
    const serverNames = new Set(server.map((row) => row.name));
    expect(variables.filter((name) => !serverNames.has(name))).toEqual([]);
  });

  it('lists every variable the server, the command line and the scripts read or name', () => {
    const read = variablesIn(['src', 'bin', 'scripts']);
    expect([...read.keys()]).toEqual(expect.arrayContaining(['SPANPATCH_URL', 'SPANPATCH_KEY', 'NO_COLOR']));
    const missing = [...read]
      .filter(([name]) => !documented.has(name))
      .map(([name, file]) => `${name} (${file})`);
    expect(missing).toEqual([]);
  });

  it('lists every variable the tests and benchmarks read, in the table for the test suite', () => {
    const read = variablesIn(['tests']);
    const testNames = new Set(tests.map((row) => row.name));
    const misplaced = [...read]
      .filter(
        ([name]) =>
          !documented.has(name) || (/^(SPANPATCH_(TEST|SETUP|BENCH)_)/.test(name) && !testNames.has(name)),
      )
      .map(([name, file]) => `${name} (${file})`);
    expect(misplaced).toEqual([]);
  });

  it('gives each variable a default, a meaning and an example, once', () => {
    const rows = [...server, ...cli, ...tests];
    expect(rows.length).toBe(documented.size);
    for (const row of rows) {
      expect(row.cells, row.name).toHaveLength(3);
      for (const cell of row.cells) expect(cell, row.name).not.toBe('');
    }
  });

  it('names no variable that nothing reads', () => {
    const read = variablesIn(['src', 'bin', 'scripts', 'tests']);
    expect([...documented].filter((name) => !read.has(name))).toEqual([]);
  });
});
