// What the tests need from the machine beyond `npm ci`, one entry per program: how to find it, the Debian package
// that provides it, and what to tell the user when it is missing. Plain ESM with no dependencies, so that
// scripts/test-setup.mjs can run it before anything else; the browser tests' harness and the PostgreSQL test
// harness (tests/support/postgres-cluster.ts) import the same finders.
// Types: system-requirements.d.mts.
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

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
];
