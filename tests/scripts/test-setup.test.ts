import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  findChromium,
  findPostgres,
  findPostgresBin,
  findPython,
  PYTHON_CLIENT_DIR,
  PYTHON_TEST_PACKAGES,
  TEST_VENV_MARKER,
} from '../../scripts/system-requirements.mjs';

// `node scripts/test-setup.mjs` run as a real process in an environment it cannot escape: PATH is an empty temp
// folder (plus the fakes a test puts there), CHROME_PATH and SPANPATCH_TEST_DATABASE_URL are unset unless a test
// sets them, and the usual places are replaced by SPANPATCH_SETUP_CANDIDATES (Chromium) and
// SPANPATCH_SETUP_POSTGRES_ROOT (PostgreSQL). No real apt-get ever runs: only a fake that logs its arguments.
// Unless a test says otherwise, a fake PostgreSQL 15 is installed under that root, and a fake python3 on PATH, so
// that only Chromium is missing. The fake python3 makes a fake virtual environment in SPANPATCH_SETUP_VENV, whose
// python logs what it is asked (pip installs) instead of doing it.

const script = resolve('scripts/test-setup.mjs');
const postgresPrograms = ['initdb', 'pg_ctl', 'postgres'];
let dir: string;
let bin: string;
let aptLog: string;
let sudoLog: string;
let postgresRoot: string;
let postgresBin: string;
let python: string;
let pythonLog: string;
let venv: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spanpatch-setup-'));
  bin = join(dir, 'bin');
  await mkdir(bin);
  aptLog = join(dir, 'apt-get.log');
  sudoLog = join(dir, 'sudo.log');
  postgresRoot = join(dir, 'usr-lib-postgresql');
  postgresBin = await fakePostgres(join(postgresRoot, '15', 'bin'));
  pythonLog = join(dir, 'python.log');
  venv = join(dir, 'venv');
  python = await fakePython(join(bin, 'python3'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the set-up script with only the given environment (no inherited CHROME_PATH or PATH). */
function runSetup(env: Record<string, string>) {
  const result = spawnSync(process.execPath, [script], {
    env: {
      PATH: bin,
      SPANPATCH_SETUP_CANDIDATES: join(dir, 'nowhere', 'chromium'),
      SPANPATCH_SETUP_POSTGRES_ROOT: postgresRoot,
      SPANPATCH_SETUP_VENV: venv,
      ...env,
    },
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function fakeExecutable(path: string, body = 'exit 0'): Promise<string> {
  await writeFile(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return path;
}

/** Fake initdb, pg_ctl and postgres (or the given programs) in a new folder; returns the folder. */
async function fakePostgres(folder: string, programs = postgresPrograms): Promise<string> {
  await mkdir(folder, { recursive: true });
  for (const name of programs) await fakeExecutable(join(folder, name));
  return folder;
}

/**
 * A fake python3: `-c` (the check for Python 3.10 with venv) exits with `check`; `-m venv [--clear] DIR` makes DIR
 * a fake virtual environment whose python logs its arguments, prints `pipConfig` for `pip config list`, and exits
 * with `pipExit` (after `pipOutput` on standard error) for `pip install`. Every call is logged.
 */
async function fakePython(
  path: string,
  options: { check?: number; pipExit?: number; pipConfig?: string; pipOutput?: string } = {},
): Promise<string> {
  const venvPythonTemplate = join(dir, `venv-python-${Math.random().toString(36).slice(2)}`);
  await writeFile(join(dir, 'pip-config.txt'), options.pipConfig ?? '');
  await fakeExecutable(
    venvPythonTemplate,
    [
      `echo "venv-python $*" >> '${pythonLog}'`,
      `if [ "$1 $2 $3" = "-m pip config" ]; then /bin/cat '${join(dir, 'pip-config.txt')}'; exit 0; fi`,
      `if [ "$1 $2 $3" = "-m pip install" ]; then echo '${options.pipOutput ?? ''}' >&2; exit ${options.pipExit ?? 0}; fi`,
      'exit 0',
    ].join('\n'),
  );
  return fakeExecutable(
    path,
    [
      `echo "python3 $*" >> '${pythonLog}'`,
      `if [ "$1" = -c ]; then exit ${options.check ?? 0}; fi`,
      'if [ "$1 $2" = "-m venv" ]; then',
      '  for last; do :; done',
      '  /bin/mkdir -p "$last/bin"',
      `  /bin/cp '${venvPythonTemplate}' "$last/bin/python"`,
      'fi',
      'exit 0',
    ].join('\n'),
  );
}

/** The calls made to the fake python3 and to its virtual environment's python, the checks left out. */
async function pythonCalls(): Promise<string[]> {
  if (!existsSync(pythonLog)) return [];
  return (await readFile(pythonLog, 'utf8'))
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('python3 -c ') && !line.startsWith('venv-python -c '));
}

/** What the set-up prints of Python when it makes a fresh test environment with the fake python3. */
function pythonLines(found = python, from = ''): string[] {
  return [
    `Python: ${found}`,
    `Installing the Python test packages into ${venv}${from}: ${PYTHON_TEST_PACKAGES.join(', ')} and the client in clients/python.`,
    `Python test environment: ${venv} (installed)`,
  ];
}

/** The same, as standard output ends with it. */
function pythonOutput(): string {
  return `${pythonLines().join('\n')}\n`;
}

/**
 * A fake apt-get on PATH that logs "DEBIAN_FRONTEND args", and on `install` puts fake programs at `creates` and
 * copies each of `copies` (`[from, to]`).
 */
async function fakeAptGet(
  options: { creates?: readonly string[]; copies?: readonly [string, string][]; exitCode?: number } = {},
) {
  const install = (options.creates ?? []).map(
    (path) =>
      `if [ "$1" = install ]; then /bin/mkdir -p '${dirname(path)}'; printf '#!/bin/sh\\n' > '${path}'; /bin/chmod 755 '${path}'; fi`,
  );
  for (const [from, to] of options.copies ?? []) {
    install.push(`if [ "$1" = install ]; then /bin/cp '${from}' '${to}'; fi`);
  }
  await fakeExecutable(
    join(bin, 'apt-get'),
    [`echo "$DEBIAN_FRONTEND $*" >> '${aptLog}'`, ...install, `exit ${options.exitCode ?? 0}`].join('\n'),
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
    await fakeAptGet({ creates: [join(dir, 'installed-chromium')] });
    const chrome = await fakeExecutable(join(dir, 'my chrome'));
    const { code, stdout, stderr } = runSetup({ CHROME_PATH: chrome, SPANPATCH_SETUP_CAN_INSTALL: '1' });
    expect(code).toBe(0);
    expect(stdout).toBe(`Chromium: ${chrome}\nPostgreSQL: ${postgresBin}\n${pythonOutput()}`);
    expect(stderr).toBe('');
    expect(await aptCalls()).toEqual([]);
  });

  it('finds a browser in the first usual place that has one, then on PATH', async () => {
    const usual = await fakeExecutable(join(dir, 'google-chrome'));
    const places = [join(dir, 'missing'), usual].join(delimiter);
    expect(runSetup({ SPANPATCH_SETUP_CANDIDATES: places }).stdout).toBe(
      `Chromium: ${usual}\nPostgreSQL: ${postgresBin}\n${pythonOutput()}`,
    );

    const onPath = await fakeExecutable(join(bin, 'chromium-browser'));
    const result = runSetup({ SPANPATCH_SETUP_CANDIDATES: '' });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `Chromium: ${onPath}\nPostgreSQL: ${postgresBin}\nPython: ${python}\nPython test environment: ${venv} (ready)\n`,
    );
  });

  it('reports a CHROME_PATH that is not an executable file instead of using or installing another', async () => {
    await fakeAptGet({ creates: [join(dir, 'installed-chromium')] });
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
    await fakeAptGet({ creates: [installed] });
    const { code, stdout } = runSetup({
      SPANPATCH_SETUP_CANDIDATES: installed,
      SPANPATCH_SETUP_CAN_INSTALL: '1',
    });
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toEqual([
      "Installing Debian's chromium for the browser tests (tests/e2e) and the UI benchmarks: not found on this machine.",
      `Chromium: ${installed}`,
      `PostgreSQL: ${postgresBin}`,
      ...pythonLines(),
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

describe('npm test set-up: PostgreSQL', () => {
  let chrome: string;
  let noPostgres: string;

  beforeEach(async () => {
    chrome = await fakeExecutable(join(dir, 'chrome'));
    noPostgres = join(dir, 'no-postgresql');
  });

  it('stops with exit 1 and the apt-get command when there is none and it may not install, running nothing', async () => {
    await fakeAptGet();
    const { code, stdout, stderr } = runSetup({
      CHROME_PATH: chrome,
      SPANPATCH_SETUP_POSTGRES_ROOT: noPostgres,
      SPANPATCH_SETUP_CAN_INSTALL: '0',
    });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('PostgreSQL, for the server tests against PostgreSQL');
    expect(stderr).toContain(
      `none found: SPANPATCH_TEST_DATABASE_URL is unset; none in ${noPostgres}/<version>/bin; no folder on PATH holds initdb, pg_ctl, postgres.`,
    );
    expect(stderr.trim().split('\n').at(-1)).toBe(
      `To install it, run: ${isRoot ? '' : 'sudo '}apt-get install postgresql`,
    );
    expect(await aptCalls()).toEqual([]);
    expect(existsSync(sudoLog)).toBe(false);
  });

  it('names both packages in one command when Chromium is missing too', async () => {
    await fakeAptGet();
    const { code, stderr } = runSetup({
      SPANPATCH_SETUP_POSTGRES_ROOT: noPostgres,
      SPANPATCH_SETUP_CAN_INSTALL: '0',
    });
    expect(code).toBe(1);
    expect(stderr).toContain('Chromium, for the browser tests');
    expect(stderr).toContain('PostgreSQL, for the server tests');
    expect(stderr.trim().split('\n').at(-1)).toBe(
      `To install it, run: ${isRoot ? '' : 'sudo '}apt-get install chromium postgresql`,
    );
  });

  it('without apt-get, says to set SPANPATCH_TEST_DATABASE_URL', () => {
    const { code, stdout, stderr } = runSetup({
      CHROME_PATH: chrome,
      SPANPATCH_SETUP_POSTGRES_ROOT: noPostgres,
    });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n').at(-1)).toBe(
      'To use a PostgreSQL you have, run: export SPANPATCH_TEST_DATABASE_URL=postgres://user:password@localhost:5432/postgres',
    );
  });

  it('takes the highest version under /usr/lib/postgresql that has initdb, pg_ctl and postgres', async () => {
    const root = join(dir, 'versions');
    await fakePostgres(join(root, '9.6', 'bin'));
    const ten = await fakePostgres(join(root, '10', 'bin'));
    await fakePostgres(join(root, '16', 'bin'), ['psql', 'initdb']);
    await mkdir(join(root, 'not-a-version', 'bin'), { recursive: true });
    const { code, stdout } = runSetup({ CHROME_PATH: chrome, SPANPATCH_SETUP_POSTGRES_ROOT: root });
    expect(code).toBe(0);
    expect(stdout).toBe(`Chromium: ${chrome}\nPostgreSQL: ${ten}\n${pythonOutput()}`);
  });

  it('else the first folder on PATH that has all three', async () => {
    await fakePostgres(join(dir, 'partial'), ['initdb', 'pg_ctl']);
    const full = await fakePostgres(join(dir, 'local bin'));
    const { code, stdout } = runSetup({
      PATH: [bin, join(dir, 'partial'), full].join(delimiter),
      CHROME_PATH: chrome,
      SPANPATCH_SETUP_POSTGRES_ROOT: noPostgres,
    });
    expect(code).toBe(0);
    expect(stdout).toBe(`Chromium: ${chrome}\nPostgreSQL: ${full}\n${pythonOutput()}`);
  });

  it('needs nothing from the machine when SPANPATCH_TEST_DATABASE_URL is set, and never prints its password', async () => {
    await fakeAptGet({ creates: postgresPrograms.map((name) => join(noPostgres, '15', 'bin', name)) });
    const { code, stdout, stderr } = runSetup({
      CHROME_PATH: chrome,
      SPANPATCH_SETUP_POSTGRES_ROOT: noPostgres,
      SPANPATCH_SETUP_CAN_INSTALL: '1',
      SPANPATCH_TEST_DATABASE_URL: 'postgres://tester:s3cret@db.example:5432/postgres',
    });
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(
      `Chromium: ${chrome}\nPostgreSQL: postgres://tester:***@db.example:5432/postgres (SPANPATCH_TEST_DATABASE_URL)\n${pythonOutput()}`,
    );
    expect(await aptCalls()).toEqual([]);
  });

  it('reports a SPANPATCH_TEST_DATABASE_URL that is not a postgres:// URL instead of using or installing another', async () => {
    await fakeAptGet({ creates: postgresPrograms.map((name) => join(noPostgres, '15', 'bin', name)) });
    const { code, stdout, stderr } = runSetup({
      CHROME_PATH: chrome,
      SPANPATCH_SETUP_CAN_INSTALL: '1',
      SPANPATCH_TEST_DATABASE_URL: 'mysql://tester:s3cret@db.example/spans',
    });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      'SPANPATCH_TEST_DATABASE_URL is set to mysql://tester:***@db.example/spans, which is not a postgres:// URL.',
    );
    expect(stderr).not.toContain('s3cret');
    expect(stderr.trim().split('\n').at(-1)).toBe(
      'Point SPANPATCH_TEST_DATABASE_URL at a PostgreSQL you have, or unset it: export SPANPATCH_TEST_DATABASE_URL=postgres://user:password@localhost:5432/postgres',
    );
    expect(await aptCalls()).toEqual([]);
  });

  it("installs Debian's postgresql with apt-get when it can, saying so in one line first", async () => {
    const installedBin = join(noPostgres, '15', 'bin');
    await fakeAptGet({ creates: postgresPrograms.map((name) => join(installedBin, name)) });
    const { code, stdout } = runSetup({
      CHROME_PATH: chrome,
      SPANPATCH_SETUP_POSTGRES_ROOT: noPostgres,
      SPANPATCH_SETUP_CAN_INSTALL: '1',
    });
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toEqual([
      "Installing Debian's postgresql for the server tests against PostgreSQL (a throwaway cluster each run): not found on this machine.",
      `Chromium: ${chrome}`,
      `PostgreSQL: ${installedBin}`,
      ...pythonLines(),
    ]);
    expect(await aptCalls()).toEqual([
      'noninteractive update',
      'noninteractive install -y --no-install-recommends postgresql',
    ]);
  });

  it('installs Chromium and PostgreSQL with one apt-get install when both are missing', async () => {
    const installedChromium = join(dir, 'usr-bin-chromium');
    const installedBin = join(noPostgres, '16', 'bin');
    await fakeAptGet({
      creates: [installedChromium, ...postgresPrograms.map((name) => join(installedBin, name))],
    });
    const { code, stdout } = runSetup({
      SPANPATCH_SETUP_CANDIDATES: installedChromium,
      SPANPATCH_SETUP_POSTGRES_ROOT: noPostgres,
      SPANPATCH_SETUP_CAN_INSTALL: '1',
    });
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toEqual([
      "Installing Debian's chromium, postgresql for the browser tests (tests/e2e) and the UI benchmarks; the server tests against PostgreSQL (a throwaway cluster each run): not found on this machine.",
      `Chromium: ${installedChromium}`,
      `PostgreSQL: ${installedBin}`,
      ...pythonLines(),
    ]);
    expect(await aptCalls()).toEqual([
      'noninteractive update',
      'noninteractive install -y --no-install-recommends chromium postgresql',
    ]);
  });

  it('stops with exit 1 when apt-get installed postgresql but its programs are still not found', async () => {
    await fakeAptGet();
    const { code, stderr } = runSetup({
      CHROME_PATH: chrome,
      SPANPATCH_SETUP_POSTGRES_ROOT: noPostgres,
      SPANPATCH_SETUP_CAN_INSTALL: '1',
    });
    expect(code).toBe(1);
    expect(stderr).toContain('apt-get installed postgresql, but it is still not found.');
  });

  it('is the finder the PostgreSQL test harness uses', () => {
    expect(findPostgresBin({ PATH: bin, SPANPATCH_SETUP_POSTGRES_ROOT: postgresRoot })).toBe(postgresBin);
    expect(findPostgresBin({ PATH: bin, SPANPATCH_SETUP_POSTGRES_ROOT: '' })).toBeUndefined();
    expect(
      findPostgres({
        PATH: bin,
        SPANPATCH_SETUP_POSTGRES_ROOT: postgresRoot,
        SPANPATCH_TEST_DATABASE_URL: 'postgresql://127.0.0.1:5433/postgres',
      }),
    ).toBe('postgresql://127.0.0.1:5433/postgres (SPANPATCH_TEST_DATABASE_URL)');
  });
});

describe('npm test set-up: Python', () => {
  let chrome: string;

  beforeEach(async () => {
    chrome = await fakeExecutable(join(dir, 'chrome'));
  });

  const pip = ['venv-python -m pip install --quiet --disable-pip-version-check'];
  const installs = (index: readonly string[] = []) => [
    `${pip[0]} ${[...index, ...PYTHON_TEST_PACKAGES].join(' ')}`,
    `${pip[0]} --no-build-isolation --no-deps --editable ${PYTHON_CLIENT_DIR}`,
  ];

  it('makes the virtual environment, installs the packages and the client, and uses it as it is the next time', async () => {
    const first = runSetup({ CHROME_PATH: chrome });
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe(`Chromium: ${chrome}\nPostgreSQL: ${postgresBin}\n${pythonOutput()}`);
    expect(await pythonCalls()).toEqual([
      `python3 -m venv --clear ${venv}`,
      'venv-python -m pip config list',
      ...installs(),
    ]);
    expect(existsSync(join(venv, TEST_VENV_MARKER))).toBe(true);

    const again = runSetup({ CHROME_PATH: chrome });
    expect(again.code).toBe(0);
    expect(again.stdout.trim().split('\n').slice(-2)).toEqual([
      `Python: ${python}`,
      `Python test environment: ${venv} (ready)`,
    ]);
    expect((await pythonCalls()).length).toBe(4);
  });

  it('installs again into the same environment when what it was made with changed', async () => {
    expect(runSetup({ CHROME_PATH: chrome }).code).toBe(0);
    await writeFile(join(venv, TEST_VENV_MARKER), '{"packages": ["pandas"]}\n');
    await rm(pythonLog);
    const { code, stdout } = runSetup({ CHROME_PATH: chrome });
    expect(code).toBe(0);
    expect(stdout).toContain(`Python test environment: ${venv} (installed)`);
    expect(await pythonCalls()).toEqual(['venv-python -m pip config list', ...installs()]);
  });

  it("installs from the machine's own wheel index when pip is set up with one, else from pip's choice", async () => {
    await fakePython(python, {
      pipConfig:
        "global.extra-index-url='file:///wheels/simple file:///more/simple'\nglobal.find-links='/opt/wheels'\n",
    });
    const { code, stdout } = runSetup({ CHROME_PATH: chrome });
    expect(code).toBe(0);
    expect(stdout.trim().split('\n').slice(2)).toEqual(pythonLines(python, ' from file:///wheels/simple'));
    expect((await pythonCalls()).slice(-2)).toEqual(installs(['--index-url', 'file:///wheels/simple']));

    await rm(venv, { recursive: true });
    await rm(pythonLog);
    await fakePython(python, {
      pipConfig:
        "global.index-url='https://mirror.example/simple'\nglobal.extra-index-url='file:///wheels/simple'\n",
    });
    expect(runSetup({ CHROME_PATH: chrome }).code).toBe(0);
    expect((await pythonCalls()).slice(-2)).toEqual(installs());
  });

  it('stops with exit 1 and the apt-get command when python3 cannot make a virtual environment, running nothing', async () => {
    await fakePython(python, { check: 1 });
    await fakeAptGet();
    const { code, stdout, stderr } = runSetup({ CHROME_PATH: chrome, SPANPATCH_SETUP_CAN_INSTALL: '0' });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('Python, for the Python client tests (clients/python)');
    expect(stderr).toContain(
      `python3 on PATH (${python}) cannot make a virtual environment: it lacks the venv module (Debian's python3-venv).`,
    );
    expect(stderr.trim().split('\n').at(-1)).toBe(
      `To install it, run: ${isRoot ? '' : 'sudo '}apt-get install python3-venv`,
    );
    expect(await aptCalls()).toEqual([]);
    expect(await pythonCalls()).toEqual([]);
  });

  it('names a Python older than 3.10, and without python3 says so', async () => {
    await fakePython(python, { check: 3 });
    expect(runSetup({ CHROME_PATH: chrome }).stderr).toContain(
      `python3 on PATH (${python}) is older than Python 3.10.`,
    );
    await rm(python);
    const { code, stderr } = runSetup({ CHROME_PATH: chrome });
    expect(code).toBe(1);
    expect(stderr).toContain('none found: SPANPATCH_PYTHON is unset; no python3 on PATH.');
    expect(stderr.trim().split('\n').at(-1)).toBe(
      'To use a Python you have, run: export SPANPATCH_PYTHON=/path/to/python3',
    );
  });

  it("installs Debian's python3-venv with apt-get when it can, saying so in one line first", async () => {
    const installed = join(dir, 'installed-python3');
    await writeFile(installed, await readFile(python), { mode: 0o755 });
    await rm(python);
    await fakeAptGet({ copies: [[installed, python]] });
    const { code, stdout } = runSetup({ CHROME_PATH: chrome, SPANPATCH_SETUP_CAN_INSTALL: '1' });
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toEqual([
      "Installing Debian's python3-venv for the Python client tests (clients/python), in a virtual environment: not found on this machine.",
      `Chromium: ${chrome}`,
      `PostgreSQL: ${postgresBin}`,
      ...pythonLines(),
    ]);
    expect(await aptCalls()).toEqual([
      'noninteractive update',
      'noninteractive install -y --no-install-recommends python3-venv',
    ]);
  });

  it('uses the Python SPANPATCH_PYTHON names, and reports one it cannot use instead of installing another', async () => {
    const mine = await fakePython(join(dir, 'my python'));
    const chosen = runSetup({ CHROME_PATH: chrome, SPANPATCH_PYTHON: mine });
    expect(chosen.code).toBe(0);
    expect(chosen.stdout).toContain(`Python: ${mine}\n`);

    await fakeAptGet({ creates: [join(bin, 'python3')] });
    const notAProgram = join(dir, 'python.txt');
    await writeFile(notAProgram, 'not a program');
    const { code, stdout, stderr } = runSetup({
      CHROME_PATH: chrome,
      SPANPATCH_PYTHON: notAProgram,
      SPANPATCH_SETUP_CAN_INSTALL: '1',
    });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(`SPANPATCH_PYTHON is set to ${notAProgram}, which is not an executable file.`);
    expect(stderr.trim().split('\n').at(-1)).toBe(
      'Point SPANPATCH_PYTHON at a Python you have, or unset it: export SPANPATCH_PYTHON=/path/to/python3',
    );
    expect(await aptCalls()).toEqual([]);
  });

  it("stops with exit 1, pip's output and what to do when the packages cannot be installed", async () => {
    await fakePython(python, { pipExit: 1, pipOutput: 'ERROR: No matching distribution found for pandas' });
    const { code, stdout, stderr } = runSetup({ CHROME_PATH: chrome });
    expect(code).toBe(1);
    expect(stdout.trim().split('\n').at(-1)).toBe(pythonLines()[1]);
    expect(stderr).toContain('ERROR: No matching distribution found for pandas');
    expect(stderr).toContain(
      `npm test stopped: the Python test environment could not be made: \`${join(venv, 'bin', 'python')} -m pip install`,
    );
    expect(stderr).toContain('failed (it exited with 1; its output is above).');
    expect(stderr.trim().split('\n').at(-1)).toBe(
      `Fix what it says, or remove ${venv} to start afresh, then run npm test again.`,
    );
    expect(existsSync(join(venv, TEST_VENV_MARKER))).toBe(false);
  });

  it('is the finder the Python tests use', async () => {
    expect(findPython({ PATH: bin })).toBe(python);
    expect(findPython({ PATH: join(dir, 'nowhere') })).toBeUndefined();
    expect(findPython({ PATH: join(dir, 'nowhere'), SPANPATCH_PYTHON: python })).toBe(python);
  });
});
