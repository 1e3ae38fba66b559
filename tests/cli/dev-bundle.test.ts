import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// In the repository the command line runs a bundle of the sources (bin/dev-bundle.mjs), never a build older than
// them. These runs are on a copy of the repository in a temporary folder, whose sources the test may change.

const repository = fileURLToPath(new URL('../..', import.meta.url));
let copy = '';

/** Runs `node bin/spanpatch.mjs <args>` in the copy. */
function runCopy(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(copy, 'bin', 'spanpatch.mjs'), ...args], {
      cwd: copy,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The build folder the copy's bundle list names as current. */
async function currentBuild(): Promise<string> {
  const manifest = JSON.parse(await readFile(join(copy, 'dist', 'cli-dev.json'), 'utf8')) as { dir: string };
  return manifest.dir;
}

beforeAll(async () => {
  copy = await mkdtemp(join(tmpdir(), 'spanpatch-dev-bundle-'));
  for (const path of ['bin', 'scripts', 'src', 'package.json', 'tsconfig.json'])
    await cp(join(repository, path), join(copy, path), { recursive: true });
  await symlink(join(repository, 'node_modules'), join(copy, 'node_modules'), 'dir');
}, 60_000);

afterAll(async () => {
  if (copy !== '') await rm(copy, { recursive: true, force: true });
});

describe('the command line in the repository', () => {
  it('builds a bundle of the sources on its first run and runs it again while nothing changed', async () => {
    const first = await runCopy(['--help']);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('Attach latent metadata to tracing spans');
    const built = await currentBuild();

    const second = await runCopy(['--help']);
    expect(second.status).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(await currentBuild()).toBe(built);
  }, 60_000);

  it('rebuilds the bundle when a source file changed, and runs what was edited', async () => {
    await runCopy(['--version']);
    const before = await currentBuild();
    const mainFile = join(copy, 'src', 'cli', 'main.ts');
    const source = await readFile(mainFile, 'utf8');
    expect(source).toContain("'Attach latent metadata to tracing spans");
    await writeFile(
      mainFile,
      source.replace(
        "'Attach latent metadata to tracing spans",
        "'Edited just now: attach metadata to spans",
      ),
    );

    const run = await runCopy(['--help']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Edited just now: attach metadata to spans');
    expect(await currentBuild()).not.toBe(before);
  }, 60_000);

  it('rebuilds when a source the bundle holds is deleted, and says what is missing', async () => {
    await runCopy(['--version']);
    await rm(join(copy, 'src', 'cli', 'confirm.ts'));
    const run = await runCopy(['--version']);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/confirm/);
  }, 60_000);
});
