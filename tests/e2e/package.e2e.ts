import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestSpans, spanId } from '../server/test-server';
import { guardPage } from './app-helpers';
import { launchChromium } from './harness';

// The package as a team installs it: `npm pack` (which builds it: prepack) into a temporary folder, the tarball
// installed into an empty folder, `spanpatch serve` started from there on a free port with a fresh SQLite file,
// and the app loaded from it in Chromium.

const run = promisify(execFile);
const repository = resolve('.');
const { version } = JSON.parse(await readFile(join(repository, 'package.json'), 'utf8')) as {
  version: string;
};

let dir: string;
let appDir: string;
let tarballEntries: string[];
let server: ChildProcess | undefined;
let serverUrl: string;
let browser: Browser | undefined;

/** The environment without any Spanpatch setting of the test's own (a database URL, keys). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith('SPANPATCH_'));
  return { ...Object.fromEntries(inherited), NO_COLOR: '1', ...extra };
}

/**
 * better-sqlite3's binary, as a prebuilt archive its install script (prebuild-install) takes from a local folder.
 * NOTE: without one, installing the package compiles SQLite from source (minutes on this machine: no prebuilt
 * binary can be downloaded here); a user's `npm install` downloads the same kind of archive. The archive holds the
 * binary this repository's tests run with; if the tarball's dependency resolves to another version, the name does
 * not match and the install builds it from source, slower but the same.
 */
async function betterSqlitePrebuilds(): Promise<string> {
  const packageDir = dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'));
  const { version: sqliteVersion } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const folder = join(dir, 'prebuilds');
  await mkdir(folder);
  const name = `better-sqlite3-v${sqliteVersion}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  await run('tar', ['-czf', join(folder, name), '-C', packageDir, 'build/Release/better_sqlite3.node']);
  return folder;
}

/** Starts `spanpatch serve` from the installed package and waits for the address it prints. */
async function startInstalledServer(): Promise<string> {
  const child = spawn(
    join(appDir, 'node_modules', '.bin', 'spanpatch'),
    ['serve', '--port', '0', '--db', join(dir, 'data', 'spans.db')],
    { cwd: appDir, env: cleanEnv({ LOG_LEVEL: 'warn' }), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server = child;
  let stdout = '';
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolveUrl, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      const running = /Spanpatch is running at (\S+)/.exec(stdout);
      if (running?.[1] !== undefined) resolveUrl(running[1]);
    });
    child.once('exit', (code) =>
      reject(new Error(`spanpatch serve ended (exit code ${code}) before it listened:\n${stdout}${stderr}`)),
    );
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spanpatch-package-'));
  appDir = join(dir, 'app');
  await mkdir(appDir);
  await run('npm', ['pack', '--pack-destination', dir], { cwd: repository, maxBuffer: 64 * 1024 * 1024 });
  const tarball = join(dir, `spanpatch-${version}.tgz`);
  tarballEntries = (await run('tar', ['-tzf', tarball])).stdout.trim().split('\n');
  await run('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: appDir,
    env: cleanEnv({ npm_config_better_sqlite3_local_prebuilds: await betterSqlitePrebuilds() }),
    maxBuffer: 64 * 1024 * 1024,
  });
  serverUrl = await startInstalledServer();
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((resolveExit) => server?.once('exit', resolveExit));
    server.kill('SIGTERM');
    await exited;
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the package from npm pack', () => {
  it('ships the built app and command line, and no tests, sources or TypeScript', () => {
    for (const shipped of [
      'package/package.json',
      'package/README.md',
      'package/bin/spanpatch.mjs',
      'package/dist/cli/main.js',
      'package/dist/cli/sqlite-write-worker.js',
      'package/dist/ui/index.html',
    ]) {
      expect(tarballEntries).toContain(shipped);
    }
    const unwanted = tarballEntries.filter(
      (entry) =>
        /^package\/(src|tests|scripts|docs|data|dist\/ui-e2e)\//.test(entry) ||
        /\.(test|e2e)\.[cm]?[jt]sx?$/.test(entry) ||
        /\.tsx?$/.test(entry),
    );
    expect(unwanted).toEqual([]);
  });

  it('installs without a TypeScript compiler and answers --version', async () => {
    const installed = join(appDir, 'node_modules');
    const manifest = JSON.parse(await readFile(join(installed, 'spanpatch', 'package.json'), 'utf8')) as {
      private?: boolean;
    };
    expect(manifest.private).toBeUndefined();
    expect(existsSync(join(installed, 'tsx'))).toBe(false);
    expect(existsSync(join(installed, 'spanpatch', 'src'))).toBe(false);
    const answer = await run(join(installed, '.bin', 'spanpatch'), ['--version'], {
      cwd: appDir,
      env: cleanEnv(),
    });
    expect(answer.stdout.trim()).toBe(version);
  });

  it('serves the app and the API from `spanpatch serve`, and backs up its database', async () => {
    if (!browser) throw new Error('No browser');
    const project = 'from-the-package';
    const spans = [1, 2, 3].map((n) => ({ spanId: spanId(n), name: `packaged span ${n}` }));
    await ingestSpans({ url: serverUrl }, project, spans);
    const projects = await fetch(`${serverUrl}/api/v1/projects`);
    expect(projects.status).toBe(200);
    expect(await projects.json()).toMatchObject({
      projects: expect.arrayContaining([{ name: project, spans: 3, target: { kind: 'local' } }]),
    });

    const context = await browser.newContext();
    await context.addInitScript((name) => {
      localStorage.setItem(
        'spanpatch.connection',
        JSON.stringify({ serverUrl: location.origin, project: name, rememberApiKey: false }),
      );
    }, project);
    const page = await context.newPage();
    guardPage(page, { csp: true });
    await page.goto(serverUrl);
    await page.getByRole('heading', { level: 1, name: 'Spanpatch' }).waitFor();
    await page.getByRole('tab', { name: 'Spans' }).click();
    const matching = page.getByRole('status', { name: 'Matching spans' });
    await expect.poll(() => matching.textContent()).toBe('3 spans match');
    await context.close();

    const backup = await run(
      join(appDir, 'node_modules', '.bin', 'spanpatch'),
      ['backup', 'backup.db', '--db', join(dir, 'data', 'spans.db')],
      { cwd: appDir, env: cleanEnv() },
    );
    expect(backup.stdout).toMatch(/^Backed up .*: [\d,]+ spans? in [\d,]+ projects?, schema version \d+/);
  });
});
