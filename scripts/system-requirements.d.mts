/**
 * The environment the finders read: PATH, CHROME_PATH, SPANPATCH_TEST_DATABASE_URL, SPANPATCH_PYTHON and the
 * test-only SPANPATCH_SETUP_CANDIDATES, SPANPATCH_SETUP_POSTGRES_ROOT and SPANPATCH_SETUP_VENV.
 */
export type FinderEnv = Record<string, string | undefined>;

/** One program the tests need from the machine, found the same way by `npm test`'s set-up and by the tests. */
export interface SystemRequirement {
  name: string;
  neededFor: string;
  find(env?: FinderEnv): string | undefined;
  debianPackage: string;
  whyMissing(env: FinderEnv): string;
  setByHand: string;
  setByHandExample: string;
}

export const CHROMIUM_PLACES: readonly string[];
export const CHROMIUM_COMMANDS: readonly string[];
export function isExecutableFile(path: string): boolean;
export function findOnPath(name: string, env?: FinderEnv): string | undefined;
export function chromiumPlaces(env?: FinderEnv): readonly string[];
export function findChromium(env?: FinderEnv): string | undefined;
export const POSTGRES_ROOT: string;
export const POSTGRES_PROGRAMS: readonly string[];
export const POSTGRES_URL_VARIABLE: 'SPANPATCH_TEST_DATABASE_URL';
export function postgresRoot(env?: FinderEnv): string;
export function findPostgresBin(env?: FinderEnv): string | undefined;
export function isPostgresUrl(text: string): boolean;
export function withoutPassword(text: string): string;
export function findPostgres(env?: FinderEnv): string | undefined;
export const PYTHON_COMMAND: 'python3';
export const PYTHON_VARIABLE: 'SPANPATCH_PYTHON';
export function findPython(env?: FinderEnv): string | undefined;
export const TEST_VENV: '.venv-test';
export const PYTHON_TEST_PACKAGES: readonly string[];
export const PYTHON_CLIENT_DIR: string;
export const TEST_VENV_MARKER: string;
export function testVenvDir(env?: FinderEnv): string;
export function venvPython(dir: string): string;
export function testVenvStamp(python: string): string;
export function testVenvIsReady(dir: string, stamp: string): boolean;
export const SYSTEM_REQUIREMENTS: readonly SystemRequirement[];
