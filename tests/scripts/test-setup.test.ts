import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findChromium } from '../../scripts/system-requirements.mjs';

// `node scripts/test-setup.mjs` run as a real process in an environment it cannot escape: PATH is an empty temp
// folder (plus the fakes a test puts there), CHROME_PATH is unset unless a test sets it, and the usual places are
// replaced by SPANPATCH_SETUP_CANDIDATES. No real apt-get ever runs: only a fake that logs its arguments.

const script = resolve('scripts/test-setup.mjs');
let dir: string;
let bin: string;
let aptLog: string;
let sudoLog: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spanpatch-setup-'));
  bin = join(dir, 'bin');
  await mkdir(bin);
  aptLog = join(dir, 'apt-get.log');
  sudoLog = join(dir, 'sudo.log');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the set-up script with only the given environment (no inherited CHROME_PATH or PATH). */
function runSetup(env: Record<string, string>) {
  const result = spawnSync(process.execPath, [script], {
    env: { PATH: bin, SPANPATCH_SETUP_CANDIDATES: join(dir, 'nowhere', 'chromium'), ...env },
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function fakeExecutable(path: string, body = 'exit 0'): Promise<string> {
  await writeFile(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return path;
}

/** A fake apt-get on PATH that logs "DEBIAN_FRONTEND args", and on `install` puts a fake browser at `creates`. */
async function fakeAptGet(options: { creates?: string; exitCode?: number } = {}) {
  const install =
    options.creates === undefined
      ? ''
      : `if [ "$1" = install ]; then printf '#!/bin/sh\\n' > '${options.creates}'; /bin/chmod 755 '${options.creates}'; fi`;
  await fakeExecutable(
    join(bin, 'apt-get'),
    [`echo "$DEBIAN_FRONTEND $*" >> '${aptLog}'`, install, `exit ${options.exitCode ?? 0}`].join('\n'),
  );
  await fakeExecutable(join(bin, 'sudo'), `echo "$*" >> '${sudoLog}'`);
}

async function aptCalls(): Promise<string[]> {
  if (!existsSync(aptLog)) return [];
  return (await readFile(aptLog, 'utf8')).trim().split('\n');
}

const isRoot = process.getuid?.() === 0;

describe('npm test set-up: Chromium', () => {
  it('stops with exit 1 and the apt-get command when there is no browser and it may not install, running nothing', async () => {
    await fakeAptGet();
    const { code, stdout, stderr } = runSetup({ SPANPATCH_SETUP_CAN_INSTALL: '0' });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('npm test stopped before running anything');
    expect(stderr).toContain('Chromium, for the browser tests');
    expect(stderr.trim().split('\n').at(-1)).toBe(
      `To install it, run: ${isRoot ? '' : 'sudo '}apt-get install chromium`,
    );
    expect(await aptCalls()).toEqual([]);
    expect(existsSync(sudoLog)).toBe(false);
  });

  it('without apt-get, says to set CHROME_PATH', () => {
    const { code, stdout, stderr } = runSetup({});
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      `none found: CHROME_PATH is unset; none at ${join(dir, 'nowhere', 'chromium')}; none on PATH as chromium,`,
    );
    expect(stderr.trim().split('\n').at(-1)).toBe(
      'To use a Chromium you have, run: export CHROME_PATH=/path/to/chrome',
    );
  });

  it('names the browser CHROME_PATH points at, in one line, and installs nothing', async () => {
    await fakeAptGet({ creates: join(dir, 'installed-chromium') });
    const chrome = await fakeExecutable(join(dir, 'my chrome'));
    const { code, stdout, stderr } = runSetup({ CHROME_PATH: chrome, SPANPATCH_SETUP_CAN_INSTALL: '1' });
    expect(code).toBe(0);
    expect(stdout).toBe(`Chromium: ${chrome}\n`);
    expect(stderr).toBe('');
    expect(await aptCalls()).toEqual([]);
  });

  it('finds a browser in the first usual place that has one, then on PATH', async () => {
    const usual = await fakeExecutable(join(dir, 'google-chrome'));
    const places = [join(dir, 'missing'), usual].join(delimiter);
    expect(runSetup({ SPANPATCH_SETUP_CANDIDATES: places }).stdout).toBe(`Chromium: ${usual}\n`);

    const onPath = await fakeExecutable(join(bin, 'chromium-browser'));
    const result = runSetup({ SPANPATCH_SETUP_CANDIDATES: '' });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Chromium: ${onPath}\n`);
  });

  it('reports a CHROME_PATH that is not an executable file instead of using or installing another', async () => {
    await fakeAptGet({ creates: join(dir, 'installed-chromium') });
    const usual = await fakeExecutable(join(dir, 'chromium'));
    const notExecutable = join(dir, 'chrome.txt');
    await writeFile(notExecutable, 'not a program');
    const { code, stdout, stderr } = runSetup({
      CHROME_PATH: notExecutable,
      SPANPATCH_SETUP_CANDIDATES: usual,
      SPANPATCH_SETUP_CAN_INSTALL: '1',
    });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(`CHROME_PATH is set to ${notExecutable}, which is not an executable file.`);
    expect(stderr.trim().split('\n').at(-1)).toBe(
      'Point CHROME_PATH at a Chromium you have, or unset it: export CHROME_PATH=/path/to/chrome',
    );
    expect(await aptCalls()).toEqual([]);
  });

  it("installs Debian's chromium with apt-get when it can, saying so in one line first", async () => {
    const installed = join(dir, 'usr-bin-chromium');
    await fakeAptGet({ creates: installed });
    const { code, stdout } = runSetup({
      SPANPATCH_SETUP_CANDIDATES: installed,
      SPANPATCH_SETUP_CAN_INSTALL: '1',
    });
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toEqual([
      "Installing Debian's chromium for the browser tests (tests/e2e) and the UI benchmarks: not found on this machine.",
      `Chromium: ${installed}`,
    ]);
    expect(await aptCalls()).toEqual([
      'noninteractive update',
      'noninteractive install -y --no-install-recommends chromium',
    ]);
  });

  it('stops with exit 1 when apt-get fails, without installing after a failed update', async () => {
    await fakeAptGet({ exitCode: 100 });
    const { code, stderr } = runSetup({ SPANPATCH_SETUP_CAN_INSTALL: '1' });
    expect(code).toBe(1);
    expect(stderr).toContain('apt-get could not install chromium (its output is above).');
    expect(stderr.trim().split('\n').at(-1)).toBe(
      'To use a Chromium you have, run: export CHROME_PATH=/path/to/chrome',
    );
    expect(await aptCalls()).toEqual(['noninteractive update']);
  });

  it('runs first in npm test, so that nothing else runs when it stops', async () => {
    const packageJson = JSON.parse(await readFile('package.json', 'utf8')) as { scripts: { test: string } };
    expect(packageJson.scripts.test.startsWith('node scripts/test-setup.mjs && ')).toBe(true);
  });

  it('is the finder the browser tests use', async () => {
    const chrome = await fakeExecutable(join(dir, 'chrome'));
    expect(findChromium({ PATH: bin, CHROME_PATH: chrome })).toBe(chrome);
    expect(findChromium({ PATH: bin, SPANPATCH_SETUP_CANDIDATES: '' })).toBeUndefined();
    expect(findChromium({ PATH: bin, SPANPATCH_SETUP_CANDIDATES: chrome })).toBe(chrome);
  });
});
