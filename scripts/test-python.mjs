#!/usr/bin/env node
// `npm run test:python`: the Python client's pytest suite (clients/python/tests), run with the test environment
// that scripts/test-setup.mjs makes (.venv-test). The suite starts the repository's own server (src/server/main.ts)
// on free ports; SPANPATCH_TEST_URL names a running server to use instead for the open one. Its output, closing line
// included, is this script's; so is its exit status. Arguments go to pytest (`npm run test:python -- -k revert`).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PYTHON_CLIENT_DIR, testVenvDir, venvPython } from './system-requirements.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const python = venvPython(testVenvDir());
if (!existsSync(python)) {
  console.error(
    `The Python test environment is missing (${python}): run \`node scripts/test-setup.mjs\` to make it (npm test does).`,
  );
  process.exit(1);
}
const result = spawnSync(
  python,
  ['-m', 'pytest', `${PYTHON_CLIENT_DIR}/tests`, '-p', 'no:cacheprovider', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: { ...process.env, SPANPATCH_NODE: process.execPath } },
);
if (result.error) {
  console.error(`Could not run pytest with ${python}: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
