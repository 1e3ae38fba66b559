#!/usr/bin/env node
// The first step of `npm test`: checks that the machine has every program the tests need (see
// system-requirements.mjs). What is present is named in one line each. What is missing is installed from Debian's
// packages when this process can (root, with apt-get), after one line saying so; otherwise the script stops with
// exit code 1 and the command to run, before the typecheck or any test starts.
//
// Test-only overrides: SPANPATCH_SETUP_CANDIDATES replaces the usual places searched for Chromium and
// SPANPATCH_SETUP_POSTGRES_ROOT the folder searched for PostgreSQL (see system-requirements.mjs), and
// SPANPATCH_SETUP_CAN_INSTALL=0 or 1 replaces the "running as root" check (apt-get must still be on PATH).
import { spawnSync } from 'node:child_process';
import { findOnPath, SYSTEM_REQUIREMENTS } from './system-requirements.mjs';

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
