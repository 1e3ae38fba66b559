import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '@/cli/main';
import { type CliIo, TerminalOutput } from '@/cli/terminal';

// What users read never cites the specification (SPEC.md, "SPEC §9"), a file they do not have: the README, every
// command's --help, and the text of the command line and the app. Comments in the code may cite it.

const SPEC = /\bSPEC\b/;

/** The source files under a folder, recursively. */
function sourceFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder)) {
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (/\.(ts|tsx)$/.test(entry)) files.push(path);
  }
  return files;
}

/**
 * A source file without its comments. NOTE: crude (a `//` inside a string ends the line's text too), which can only
 * hide text, never make a comment look like text.
 */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
}

/** What `spanpatch <args>` prints on both streams, run in this process. */
async function printed(args: string[]): Promise<{ status: number; text: string }> {
  let text = '';
  const stream = { write: (chunk: string) => (text += chunk) };
  const io: CliIo = {
    stdout: new TerminalOutput(stream, {}),
    stderr: new TerminalOutput(stream, {}),
    stdin: process.stdin,
    env: {},
    cwd: process.cwd(),
  };
  const status = await main(args, io);
  return { status, text };
}

const commands = ['serve', 'check', 'preview', 'submit', 'history', 'revert', 'backup'];

describe('what users read', () => {
  it('the README never cites the specification', () => {
    const lines = readFileSync('README.md', 'utf8')
      .split('\n')
      .filter((line) => SPEC.test(line));
    expect(lines).toEqual([]);
  });

  it("no command's --help cites it", async () => {
    for (const args of [['--help'], ...commands.map((command) => [command, '--help'])]) {
      const help = await printed(args);
      expect(help.status, args.join(' ')).toBe(0);
      expect(help.text, args.join(' ')).toContain('Usage: spanpatch');
      expect(help.text, args.join(' ')).not.toMatch(SPEC);
    }
  });

  it('no text of the command line or the app cites it, outside comments', () => {
    const citing = ['src/cli', 'src/ui']
      .flatMap(sourceFiles)
      .filter((file) => SPEC.test(withoutComments(readFileSync(file, 'utf8'))));
    expect(citing).toEqual([]);
  });
});
