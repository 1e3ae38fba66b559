// What the tests need from the machine beyond `npm ci`, one entry per program: how to find it, the Debian package
// that provides it, and what to tell the user when it is missing. Plain ESM with no dependencies, so that
// scripts/test-setup.mjs can run it before anything else; the browser tests' harness and the PostgreSQL test
// harness (tests/support/postgres-cluster.ts) import the same finders.
// Types: system-requirements.d.mts.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. NOTE: from the module's path, not `new URL`: under jsdom (the UI's tests load this file too) URL is jsdom's. */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where a Chromium or Chrome is usually installed, in the order they are tried after CHROME_PATH. */
export const CHROMIUM_PLACES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** Names a Chromium or Chrome goes by on PATH, tried after the usual places. */
export const CHROMIUM_COMMANDS = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** True when the path is a file this process may execute. */
export function isExecutableFile(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The first executable file called `name` in the directories of env.PATH, or undefined. */
export function findOnPath(name, env = process.env) {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The usual places tried for Chromium. Tests replace them with SPANPATCH_SETUP_CANDIDATES (paths separated like
 * PATH; empty for none), so that the machine's own browser cannot be found.
 */
export function chromiumPlaces(env = process.env) {
  const override = env.SPANPATCH_SETUP_CANDIDATES;
  if (override === undefined) return CHROMIUM_PLACES;
  return override.split(delimiter).filter((place) => place !== '');
}

/**
 * The Chromium or Chrome the browser tests drive: CHROME_PATH when set (and nothing else, so a wrong CHROME_PATH is
 * reported rather than silently replaced), else the first usual place, else the first of its names on PATH.
 * Undefined when there is none.
 */
export function findChromium(env = process.env) {
  const chosen = env.CHROME_PATH;
  if (chosen !== undefined && chosen !== '') return isExecutableFile(chosen) ? chosen : undefined;
  const place = chromiumPlaces(env).find(isExecutableFile);
  if (place !== undefined) return place;
  for (const name of CHROMIUM_COMMANDS) {
    const found = findOnPath(name, env);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Why Chromium was not found, in one sentence. */
function whyNoChromium(env) {
  const chosen = env.CHROME_PATH;
  if (chosen !== undefined && chosen !== '') {
    return `CHROME_PATH is set to ${chosen}, which is not an executable file.`;
  }
  const places = chromiumPlaces(env);
  const where = places.length > 0 ? ` none at ${places.join(', ')};` : '';
  return `none found: CHROME_PATH is unset;${where} none on PATH as ${CHROMIUM_COMMANDS.join(', ')}.`;
}

/** Where Debian installs each PostgreSQL version's server programs: <root>/<version>/bin. */
export const POSTGRES_ROOT = '/usr/lib/postgresql';

/** The programs a throwaway test cluster needs, all from one folder. */
export const POSTGRES_PROGRAMS = ['initdb', 'pg_ctl', 'postgres'];

/** The URL of an existing PostgreSQL the tests use instead of starting their own. */
export const POSTGRES_URL_VARIABLE = 'SPANPATCH_TEST_DATABASE_URL';

function hasPostgresPrograms(dir) {
  return POSTGRES_PROGRAMS.every((name) => isExecutableFile(join(dir, name)));
}

/**
 * The folder Debian's packages are tried in: <root>/<version>/bin. Tests replace it with
 * SPANPATCH_SETUP_POSTGRES_ROOT (empty for none), so that the machine's own PostgreSQL cannot be found.
 */
export function postgresRoot(env = process.env) {
  const override = env.SPANPATCH_SETUP_POSTGRES_ROOT;
  return override === undefined ? POSTGRES_ROOT : override;
}

/** Compares version folder names such as 9.6, 15 and 16 by number, highest first. */
function byVersionDescending(a, b) {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
    const difference = (right[i] ?? 0) - (left[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** The names of the version folders (15, 9.6) under root; none when it cannot be read. */
function versionFolders(root) {
  try {
    return readdirSync(root).filter((name) => /^\d+(\.\d+)*$/.test(name));
  } catch {
    return [];
  }
}

/**
 * The folder holding initdb, pg_ctl and postgres: the highest version under /usr/lib/postgresql that has all three,
 * else the first folder on PATH that has all three. Undefined when there is none.
 */
export function findPostgresBin(env = process.env) {
  const root = postgresRoot(env);
  if (root !== '') {
    for (const version of versionFolders(root).sort(byVersionDescending)) {
      const dir = join(root, version, 'bin');
      if (hasPostgresPrograms(dir)) return dir;
    }
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && hasPostgresPrograms(dir)) return dir;
  }
  return undefined;
}

/** True when the text is a postgres:// or postgresql:// URL. */
export function isPostgresUrl(text) {
  try {
    const url = new URL(text);
    return url.protocol === 'postgres:' || url.protocol === 'postgresql:';
  } catch {
    return false;
  }
}

/** The URL with its password replaced by ***, to be printed; text that is not a URL unchanged. */
export function withoutPassword(text) {
  try {
    const url = new URL(text);
    if (url.password === '') return text;
    url.password = '***';
    return url.toString();
  } catch {
    return text;
  }
}

/**
 * The PostgreSQL the server tests run against: SPANPATCH_TEST_DATABASE_URL when set (then nothing is needed from
 * the machine, and nothing else is tried, so a wrong URL is reported rather than silently replaced), else the
 * folder of the programs that start a throwaway cluster. Undefined when there is neither.
 */
export function findPostgres(env = process.env) {
  const chosen = env[POSTGRES_URL_VARIABLE];
  if (chosen !== undefined && chosen !== '') {
    return isPostgresUrl(chosen) ? `${withoutPassword(chosen)} (${POSTGRES_URL_VARIABLE})` : undefined;
  }
  return findPostgresBin(env);
}

/** Why PostgreSQL was not found, in one sentence. */
function whyNoPostgres(env) {
  const chosen = env[POSTGRES_URL_VARIABLE];
  if (chosen !== undefined && chosen !== '') {
    return `${POSTGRES_URL_VARIABLE} is set to ${withoutPassword(chosen)}, which is not a postgres:// URL.`;
  }
  const root = postgresRoot(env);
  const programs = POSTGRES_PROGRAMS.join(', ');
  const where = root === '' ? '' : ` none in ${root}/<version>/bin;`;
  return `none found: ${POSTGRES_URL_VARIABLE} is unset;${where} no folder on PATH holds ${programs}.`;
}

/** The Python the tests' virtual environment is made with, when SPANPATCH_PYTHON does not name one. */
export const PYTHON_COMMAND = 'python3';

/** The Python set by hand instead of python3 on PATH. */
export const PYTHON_VARIABLE = 'SPANPATCH_PYTHON';

/** Exits 0 with Python 3.10 or later that can make a virtual environment (Debian's python3-venv), 3 when older. */
const PYTHON_CHECK =
  'import sys; sys.exit(3) if sys.version_info < (3, 10) else None; import venv, ensurepip';

/** What is wrong with a Python for the tests: null when nothing, else why, in words. */
function pythonProblem(path, env) {
  if (!isExecutableFile(path)) return 'is not an executable file';
  const result = spawnSync(path, ['-c', PYTHON_CHECK], { env, stdio: 'ignore', timeout: 60_000 });
  if (result.status === 0) return null;
  if (result.status === 3) return 'is older than Python 3.10';
  return "cannot make a virtual environment: it lacks the venv module (Debian's python3-venv)";
}

/**
 * The Python the tests' virtual environment is made with: SPANPATCH_PYTHON when set (and nothing else, so a wrong
 * one is reported rather than silently replaced), else python3 on PATH; it must be 3.10 or later and have the venv
 * module (on Debian, the python3-venv package). Undefined when there is none.
 */
export function findPython(env = process.env) {
  const chosen = env[PYTHON_VARIABLE];
  const path = chosen !== undefined && chosen !== '' ? chosen : findOnPath(PYTHON_COMMAND, env);
  return path !== undefined && pythonProblem(path, env) === null ? path : undefined;
}

/** Why no usable Python was found, in one sentence. */
function whyNoPython(env) {
  const chosen = env[PYTHON_VARIABLE];
  if (chosen !== undefined && chosen !== '') {
    return `${PYTHON_VARIABLE} is set to ${chosen}, which ${pythonProblem(chosen, env)}.`;
  }
  const onPath = findOnPath(PYTHON_COMMAND, env);
  if (onPath === undefined) return `none found: ${PYTHON_VARIABLE} is unset; no ${PYTHON_COMMAND} on PATH.`;
  return `${PYTHON_COMMAND} on PATH (${onPath}) ${pythonProblem(onPath, env)}.`;
}

/** The project-local virtual environment of the Python tests (gitignored), made by `npm test`'s set-up. */
export const TEST_VENV = '.venv-test';

/** What the test environment holds besides the client: its tests' needs, and those of the Arize peer and Excel tests. */
export const PYTHON_TEST_PACKAGES = [
  'pyarrow',
  'pandas',
  'numpy',
  'requests',
  'pytest',
  'openpyxl',
  'hatchling',
  'editables',
  'mypy',
  'ruff',
];

/** The Python client, installed into the test environment in editable mode (its changes need no reinstall). */
export const PYTHON_CLIENT_DIR = join(ROOT, 'clients', 'python');

/** The file in the test environment that says what it was made with (see `testVenvStamp`). */
export const TEST_VENV_MARKER = '.spanpatch-test-env.json';

/**
 * The folder of the Python test environment: `.venv-test` in the repository. Tests replace it with
 * SPANPATCH_SETUP_VENV.
 */
export function testVenvDir(env = process.env) {
  const override = env.SPANPATCH_SETUP_VENV;
  return override !== undefined && override !== '' ? override : join(ROOT, TEST_VENV);
}

/** The Python interpreter of a virtual environment. */
export function venvPython(dir) {
  return process.platform === 'win32' ? join(dir, 'Scripts', 'python.exe') : join(dir, 'bin', 'python');
}

/**
 * What a ready test environment's marker holds: the Python it was made from, the packages, and a hash of the
 * client's pyproject.toml (its dependencies); a change of any of them installs again.
 */
export function testVenvStamp(python) {
  let pyproject = '';
  try {
    pyproject = readFileSync(join(PYTHON_CLIENT_DIR, 'pyproject.toml'), 'utf8');
  } catch {
    // No client yet: the hash of nothing.
  }
  const client = createHash('sha256').update(pyproject).digest('hex');
  return `${JSON.stringify({ python, packages: PYTHON_TEST_PACKAGES, client }, null, 2)}\n`;
}

/** True when the test environment in `dir` exists and was made with `stamp` (`testVenvStamp`). */
export function testVenvIsReady(dir, stamp) {
  if (!existsSync(venvPython(dir))) return false;
  try {
    return readFileSync(join(dir, TEST_VENV_MARKER), 'utf8') === stamp;
  } catch {
    return false;
  }
}

/**
 * Every program the tests need from the machine. `find` returns its path or undefined; `debianPackage` is what
 * `npm test` installs with apt-get when it can; `setByHand` is what the user sets to point at one they have, and
 * when that is set and wrong, nothing is installed in its place.
 */
export const SYSTEM_REQUIREMENTS = [
  {
    name: 'Chromium',
    neededFor: 'the browser tests (tests/e2e) and the UI benchmarks',
    find: findChromium,
    debianPackage: 'chromium',
    whyMissing: whyNoChromium,
    setByHand: 'CHROME_PATH',
    setByHandExample: 'export CHROME_PATH=/path/to/chrome',
  },
  {
    name: 'PostgreSQL',
    neededFor: 'the server tests against PostgreSQL (a throwaway cluster each run)',
    find: findPostgres,
    debianPackage: 'postgresql',
    whyMissing: whyNoPostgres,
    setByHand: POSTGRES_URL_VARIABLE,
    setByHandExample: `export ${POSTGRES_URL_VARIABLE}=postgres://user:password@localhost:5432/postgres`,
  },
  {
    name: 'Python',
    neededFor: 'the Python client tests (clients/python), in a virtual environment',
    find: findPython,
    debianPackage: 'python3-venv',
    whyMissing: whyNoPython,
    setByHand: PYTHON_VARIABLE,
    setByHandExample: `export ${PYTHON_VARIABLE}=/path/to/python3`,
  },
];
