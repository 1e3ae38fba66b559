// In the repository, the command line (bin/spanpatch.mjs) and `npm start` (scripts/start.mjs) run a bundle of the
// TypeScript sources built with esbuild (scripts/cli-bundle.mjs), as the installed package runs dist/cli: plain
// JavaScript, no compiler at run time. The bundle is kept in dist/cli-dev-<id>/ and rebuilt as soon as any source
// it holds changed, so what runs is always what was last edited.
// - dist/cli-dev.json says which folder is current and lists the files it was built from (esbuild's inputs, plus
//   the build's own configuration) with their size and modification time. A start reads it and stats those files
//   (a few milliseconds); one that differs, or is gone, means a rebuild (about a second).
// - Each build goes to a new folder and the list is replaced whole (written aside, then renamed), so processes
//   that start at once while a source changed each build and run a complete bundle, never a half-written one.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const dist = new URL('dist/', root);
const manifestUrl = new URL('cli-dev.json', dist);
/** Files a build depends on besides the sources esbuild read. */
const BUILD_FILES = ['package.json', 'tsconfig.json', 'scripts/cli-bundle.mjs', 'bin/dev-bundle.mjs'];
/** Entries of the dev bundle: the production ones, and the server with the app that `npm start` runs. */
const DEV_ENTRY_POINTS = { 'serve-app': 'src/cli/serve-app.ts' };
/**
 * Packages the command line loads at every start, copied into the bundle: one file to read instead of hundreds of
 * modules to resolve. NOTE: plain JavaScript without native code, workers or files of their own.
 */
const BUNDLED_PACKAGES = ['zod', 'commander', 'papaparse', 'fflate', 'cli-progress'];
/** Older builds kept beside the current one (a server started from one may still load a chunk of it). */
const KEPT_BUILDS = 3;
const BUILD_PREFIX = 'cli-dev-';

/** `[size, mtime]` of a file of the project, or null when it is not there. */
function stamp(path) {
  try {
    const stats = statSync(new URL(path, root));
    return [stats.size, stats.mtimeMs];
  } catch {
    return null;
  }
}

/** The folder of the current build, when every file it was built from is as it was then; else null. */
function currentBuild() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestUrl, 'utf8'));
  } catch {
    return null;
  }
  if (typeof manifest?.dir !== 'string' || !Array.isArray(manifest.inputs)) return null;
  if (stamp(`dist/${manifest.dir}/main.js`) === null) return null;
  for (const [path, size, mtime] of manifest.inputs) {
    const now = stamp(path);
    if (now === null || now[0] !== size || now[1] !== mtime) return null;
  }
  return manifest.dir;
}

/** The sources cannot be bundled: esbuild's messages, each with its file and line. */
class SourcesDoNotBuild extends Error {
  constructor(cause) {
    const problems = (cause?.errors ?? []).map(
      ({ text, location }) =>
        `  ${location ? `${location.file}:${location.line}:${location.column + 1}: ` : ''}${text}`,
    );
    super(
      `The sources in ${new URL('.', root).pathname} do not build, so they cannot run:\n` +
        (problems.length > 0 ? problems.join('\n') : `  ${cause instanceof Error ? cause.message : cause}`),
    );
  }
}

/** Builds the sources into a new folder, records it as current, and removes builds older than the last few. */
async function rebuild() {
  const { bundleCli, CLI_ENTRY_POINTS } = await import('../scripts/cli-bundle.mjs');
  const dir = `${BUILD_PREFIX}${Date.now().toString(36)}-${process.pid}`;
  mkdirSync(dist, { recursive: true });
  const started = Date.now();
  let result;
  try {
    result = await bundleCli(root, `dist/${dir}`, {
      entryPoints: { ...CLI_ENTRY_POINTS, ...DEV_ENTRY_POINTS },
      sourcemap: 'linked',
      logLevel: 'silent',
      bundled: BUNDLED_PACKAGES,
    });
  } catch (error) {
    rmSync(new URL(`${dir}/`, dist), { recursive: true, force: true });
    throw new SourcesDoNotBuild(error);
  }
  const inputs = [];
  for (const path of [...Object.keys(result.metafile.inputs), ...BUILD_FILES]) {
    const now = stamp(path);
    // NOTE: a file changed while the build read it may be in the bundle as it was before: recorded as unknown,
    // so the next start builds again.
    if (now !== null) inputs.push([path, now[0], now[1] >= started ? -1 : now[1]]);
  }
  const written = new URL(`cli-dev.${process.pid}.json`, dist);
  writeFileSync(written, JSON.stringify({ dir, inputs }));
  renameSync(written, manifestUrl);
  pruneOldBuilds(dir);
  return dir;
}

function pruneOldBuilds(current) {
  const builds = readdirSync(dist)
    .filter((name) => name.startsWith(BUILD_PREFIX) && name !== current)
    .map((name) => ({ name, mtime: stamp(`dist/${name}`)?.[1] ?? 0 }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { name } of builds.slice(KEPT_BUILDS))
    rmSync(new URL(`${name}/`, dist), { recursive: true, force: true });
}

/**
 * Imports an entry of the bundle (`main`, the command line; `serve-app`, the server with the app), building the
 * bundle first when a source changed since it was built. NOTE: stack traces name the bundle's lines (plain
 * JavaScript with the sources' names); `node --enable-source-maps bin/spanpatch.mjs …` names the TypeScript
 * lines instead, at some 50 ms a start, which is why it is not always on.
 */
export async function importBundled(entry) {
  let dir = currentBuild();
  if (dir === null) {
    try {
      dir = await rebuild();
    } catch (error) {
      if (!(error instanceof SourcesDoNotBuild)) throw error;
      process.stderr.write(`spanpatch: ${error.message}\n`);
      process.exit(2);
    }
  }
  return import(new URL(`${dir}/${entry}.js`, dist).href);
}
