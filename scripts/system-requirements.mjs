// What the tests need from the machine beyond `npm ci`, one entry per program: how to find it, the Debian package
// that provides it, and what to tell the user when it is missing. Plain ESM with no dependencies, so that
// scripts/test-setup.mjs can run it before anything else; the browser tests' harness imports the same finder.
// Types: system-requirements.d.mts.
import { accessSync, constants, statSync } from 'node:fs';
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
];
