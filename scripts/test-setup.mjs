#!/usr/bin/env node
// The first step of `npm test`: checks that the machine has every program the tests need (see
// system-requirements.mjs). What is present is named in one line each. What is missing is installed from Debian's
// packages when this process can (root, with apt-get), after one line saying so; otherwise the script stops with
// exit code 1 and the command to run, before the typecheck or any test starts.
//
// Then it makes the Python tests' virtual environment (.venv-test) with the Python found, and installs their packages
// and the client in clients/python into it, from this machine's own wheel index when pip is set up with one; a
// ready environment (its marker matches) is used as it is. When that fails, the script stops with pip's output.
//
// Test-only overrides: SPANPATCH_SETUP_CANDIDATES replaces the usual places searched for Chromium and
// SPANPATCH_SETUP_POSTGRES_ROOT the folder searched for PostgreSQL (see system-requirements.mjs),
// SPANPATCH_SETUP_VENV the folder of the Python environment, and SPANPATCH_SETUP_CAN_INSTALL=0 or 1 replaces the
// "running as root" check (apt-get must still be on PATH).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  findOnPath,
  PYTHON_CLIENT_DIR,
  PYTHON_TEST_PACKAGES,
  SYSTEM_REQUIREMENTS,
  TEST_VENV_MARKER,
  testVenvDir,
  testVenvIsReady,
  testVenvStamp,
  venvPython,
} from './system-requirements.mjs';

const env = process.env;

function isSet(value) {
  return value !== undefined && value !== '';
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The apt-get to install with, or undefined when this process may not install packages. */
function installer() {
  const override = env.SPANPATCH_SETUP_CAN_INSTALL;
  const allowed = override === undefined ? process.platform === 'linux' && isRoot() : override === '1';
  return allowed ? findOnPath('apt-get', env) : undefined;
}

/** Runs apt-get with its output shown; true when it succeeded. */
function aptGet(aptGetPath, args) {
  const result = spawnSync(aptGetPath, args, {
    stdio: 'inherit',
    env: { ...env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.status === 0;
}

/** Each requirement with the path where it was found, or undefined. */
function check(requirements) {
  return requirements.map((requirement) => ({ requirement, path: requirement.find(env) }));
}

/** Prints what is missing and the one command that fixes it, then stops `npm test` before anything else runs. */
function stop(missing, note) {
  const lines = ['npm test stopped before running anything: this machine lacks what the tests need.'];
  for (const { requirement } of missing) {
    lines.push(`${requirement.name}, for ${requirement.neededFor}: ${requirement.whyMissing(env)}`);
  }
  if (note !== undefined) lines.push(note);
  const setWrong = missing.filter(({ requirement }) => isSet(env[requirement.setByHand]));
  const canApt = process.platform === 'linux' && findOnPath('apt-get', env) !== undefined;
  if (setWrong.length > 0) {
    for (const { requirement } of setWrong) {
      lines.push(
        `Point ${requirement.setByHand} at a ${requirement.name} you have, or unset it: ${requirement.setByHandExample}`,
      );
    }
  } else if (canApt && note === undefined) {
    const packages = missing.map(({ requirement }) => requirement.debianPackage).join(' ');
    lines.push(`To install it, run: ${isRoot() ? '' : 'sudo '}apt-get install ${packages}`);
  } else {
    for (const { requirement } of missing) {
      lines.push(`To use a ${requirement.name} you have, run: ${requirement.setByHandExample}`);
    }
  }
  console.error(lines.join('\n'));
  process.exit(1);
}

let results = check(SYSTEM_REQUIREMENTS);
let missing = results.filter(({ path }) => path === undefined);
const aptGetPath = installer();
// A requirement set by hand to something wrong is the user's to fix: nothing is installed in its place.
const installable = missing.every(({ requirement }) => !isSet(env[requirement.setByHand]));

if (missing.length > 0 && installable && aptGetPath !== undefined) {
  const packages = missing.map(({ requirement }) => requirement.debianPackage);
  const purposes = missing.map(({ requirement }) => requirement.neededFor).join('; ');
  console.log(`Installing Debian's ${packages.join(', ')} for ${purposes}: not found on this machine.`);
  const installed =
    aptGet(aptGetPath, ['update']) &&
    aptGet(aptGetPath, ['install', '-y', '--no-install-recommends', ...packages]);
  if (!installed) stop(missing, `apt-get could not install ${packages.join(', ')} (its output is above).`);
  results = check(SYSTEM_REQUIREMENTS);
  missing = results.filter(({ path }) => path === undefined);
  if (missing.length > 0)
    stop(missing, `apt-get installed ${packages.join(', ')}, but it is still not found.`);
}

if (missing.length > 0) stop(missing);
for (const { requirement, path } of results) console.log(`${requirement.name}: ${path}`);

/** Stops `npm test` when the Python environment cannot be made: what failed, its output, and what to do. */
function stopPython(command, result) {
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (output !== '') console.error(output);
  const why = result.error ? result.error.message : `it exited with ${result.status ?? result.signal}`;
  console.error(
    [
      `npm test stopped: the Python test environment could not be made: \`${command.join(' ')}\` failed (${why}${output === '' ? '' : '; its output is above'}).`,
      `Fix what it says, or remove ${testVenvDir(env)} to start afresh, then run npm test again.`,
    ].join('\n'),
  );
  process.exit(1);
}

/** Runs a command of the Python set-up with its output kept, shown only when it fails (which stops the script). */
function runPython(command) {
  const result = spawnSync(command[0], command.slice(1), {
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) stopPython(command, result);
}

/**
 * The index pip installs from: when pip is set up with a local wheel index (a file:// extra index) and no index of
 * its own, that one, so that pip never waits on a public index this machine cannot reach; else pip's own choice.
 */
function pipIndexArguments(python) {
  const result = spawnSync(python, ['-m', 'pip', 'config', 'list'], { env, encoding: 'utf8' });
  if (result.status !== 0) return [];
  const settings = result.stdout.split('\n').map((line) => /^([^=]+)=(.*)$/.exec(line.trim()));
  const values = (name) =>
    settings
      .filter((match) => match !== null && match[1].endsWith(`.${name}`))
      .flatMap((match) => match[2].replace(/^'(.*)'$/, '$1').split(/\s+/))
      .filter((value) => value !== '');
  if (values('index-url').length > 0) return [];
  const local = values('extra-index-url').find((url) => url.startsWith('file:'));
  return local === undefined ? [] : ['--index-url', local];
}

/** Makes (or reuses) the Python tests' virtual environment with the packages and the client installed. */
function preparePythonEnvironment(python) {
  const dir = testVenvDir(env);
  const stamp = testVenvStamp(python);
  if (testVenvIsReady(dir, stamp)) {
    console.log(`Python test environment: ${dir} (ready)`);
    return;
  }
  const venv = venvPython(dir);
  const works = spawnSync(venv, ['-c', 'pass'], { env, stdio: 'ignore' }).status === 0;
  if (!works) runPython([python, '-m', 'venv', '--clear', dir]);
  const index = pipIndexArguments(venv);
  const from = index.length > 0 ? ` from ${index[1]}` : '';
  console.log(
    `Installing the Python test packages into ${dir}${from}: ${PYTHON_TEST_PACKAGES.join(', ')} and the client in clients/python.`,
  );
  const pip = [venv, '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check'];
  runPython([...pip, ...index, ...PYTHON_TEST_PACKAGES]);
  runPython([...pip, '--no-build-isolation', '--no-deps', '--editable', PYTHON_CLIENT_DIR]);
  writeFileSync(join(dir, TEST_VENV_MARKER), stamp);
  console.log(`Python test environment: ${dir} (installed)`);
}

const python = results.find(({ requirement }) => requirement.name === 'Python')?.path;
if (python !== undefined) preparePythonEnvironment(python);
