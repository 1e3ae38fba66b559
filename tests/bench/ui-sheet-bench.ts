/**
 * The sheet in headless Chromium, in one run, at 100,000 and 1,000,000 rows of a generated 10-column CSV (span
 * ID, metadata of mixed kinds, a JSON column), each size as two files: unique span IDs (`clean`) and each ID on 4
 * rows (`repeated`: a duplicate_span_id warning on every row): file to checked sheet against a bare `Papa.parse` of the same file
 * in the same page; the longest main-thread task during import, an edit, its autosave, reload-restore and
 * opening Preview; edit to updated summary; the JS heap after a forced GC. Prints figures beside their aims.
 *
 * Run: npm run bench -- ui-sheet [--rows=100000[,1000000]] [--files=clean[,repeated]]   (or BENCH_ROWS=100000,
 * BENCH_FILES=repeated; default both sizes and both files)
 * BENCH_PROFILE=<folder> also writes a CPU profile of the page per phase (open it in DevTools' Performance
 * panel); profiling slows the page, so the figures of such a run are not the benchmark's.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type Papa from 'papaparse';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { type RunningServer, startServer } from '../../src/server/start-server';
import { launchChromium } from '../e2e/harness';
import { probeSaves, waitForSave } from '../e2e/save-probe';
import { generateSheetCsv, type SheetFileKind, sheetSpanIdFor, spanIdFor } from './generate';
import { projectContext } from './bench-page';
import { llmSpan } from './patch-workload';
import {
  type Aim,
  atMost,
  below,
  bytesText,
  longTaskText,
  median,
  msText,
  printTable,
  ratioText,
} from './report-table';

const PROJECT = 'bench';
/** The app saves the sheet about this long after a change (src/ui/sheet/use-autosave.ts). */
const SAVE_DELAY_MS = 600;
/** Time after a phase's end in which the tasks it set off still count to it. */
const TAIL_MS = 300;
const TIMED_EDITS = 10;
const MB = 1024 * 1024;

/** What the page records from before its first script (see `installPageProbe`). */
interface PageProbe {
  longTasks: { start: number; duration: number }[];
  /** The Sheet summary's text each time it changed, and when. */
  summaries: { text: string; at: number }[];
  /** When a file was chosen in a file input. */
  fileChosen: number[];
  /** When Enter was pressed in the cell editor. */
  editCommitted: number[];
}

declare global {
  interface Window {
    Papa: typeof Papa;
    benchProbe: PageProbe;
  }
}

/** Runs in the page before its scripts: long tasks, the summary's changes, file choices and edit commits. */
function installPageProbe(): void {
  const probe: PageProbe = { longTasks: [], summaries: [], fileChosen: [], editCommitted: [] };
  window.benchProbe = probe;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      probe.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  document.addEventListener(
    'change',
    (event) => {
      if (event.target instanceof HTMLInputElement && event.target.type === 'file')
        probe.fileChosen.push(performance.now());
    },
    true,
  );
  document.addEventListener(
    'keydown',
    (event) => {
      if (
        event.key === 'Enter' &&
        event.target instanceof HTMLElement &&
        event.target.getAttribute('aria-label') === 'Cell value'
      )
        probe.editCommitted.push(performance.now());
    },
    true,
  );
  let last = '';
  new MutationObserver(() => {
    const summary = document.querySelector('[role="status"][aria-label="Sheet summary"]');
    const text = summary?.textContent ?? '';
    if (text === last) return;
    last = text;
    probe.summaries.push({ text, at: performance.now() });
  }).observe(document, { subtree: true, childList: true, characterData: true });
}

/** One size's figures; null where a step could not be measured (see `notes`). */
export interface SheetBenchResult {
  rows: number;
  file: SheetFileKind;
  bareParseMs: number | null;
  importMs: number | null;
  /** The import worker's steps (user-timing measures the page records), in ms. */
  workerSteps: { read: number; check: number; pack: number } | null;
  /** Longest main-thread task (ms) in each phase; 0 when none reached 50 ms (the long-task threshold). */
  longest: Record<Phase, number | null>;
  editMedianMs: number | null;
  memoryAfterImport: Memory | null;
  memoryAfterRestore: Memory | null;
  memoryAtEnd: Memory | null;
  restoreMs: number | null;
  previewListedMs: number | null;
  previewComparedMs: number | null;
  notes: string[];
}

/** The phases whose longest main-thread task is kept: import and its first save, an edit and its autosave, … */
type Phase =
  'import' | 'importSave' | 'edit' | 'editSave' | 'recheck' | 'restore' | 'preview' | 'previewCompare';

/** Row counts to run: `--rows=a,b` or BENCH_ROWS, else 100,000 and 1,000,000. */
function sizesAsked(): number[] {
  const asked =
    process.argv.find((arg) => arg.startsWith('--rows='))?.slice('--rows='.length) ?? process.env.BENCH_ROWS;
  if (asked === undefined || asked.trim() === '') return [100_000, 1_000_000];
  const sizes = asked.split(',').map((part) => Number(part.trim().replace(/_/g, '')));
  if (sizes.some((size) => !Number.isInteger(size) || size <= 0)) {
    throw new Error(`BENCH_ROWS (or --rows=) takes row counts such as 100000,1000000; it was "${asked}"`);
  }
  return sizes;
}

const FILE_KINDS: readonly SheetFileKind[] = ['clean', 'repeated'];

/** The files to run: `--files=a,b` or BENCH_FILES, else both (unique span IDs, and each ID on several rows). */
function filesAsked(): SheetFileKind[] {
  const asked =
    process.argv.find((arg) => arg.startsWith('--files='))?.slice('--files='.length) ??
    process.env.BENCH_FILES;
  if (asked === undefined || asked.trim() === '') return [...FILE_KINDS];
  const kinds = asked.split(',').map((part) => part.trim());
  const unknown = kinds.filter((kind) => !FILE_KINDS.some((known) => known === kind));
  if (unknown.length > 0) {
    throw new Error(`BENCH_FILES (or --files=) takes ${FILE_KINDS.join(', ')}; it was "${asked}"`);
  }
  return FILE_KINDS.filter((kind) => kinds.includes(kind));
}

const rowsText = (rows: number) => `${rows.toLocaleString('en-US')} rows`;
/** Matches a summary that counts exactly `rows` rows ("100,000 rows", not "1,100,000 rows"). */
const rowsPattern = (rows: number) => new RegExp(`(^|[^\\d,])${rowsText(rows)}`);

async function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

async function probeOf(page: Page): Promise<PageProbe> {
  return page.evaluate(() => window.benchProbe);
}

/** The longest long task overlapping [from, to) in the page's clock; 0 when there was none. */
function longestIn(probe: PageProbe, from: number, to: number): number {
  let longest = 0;
  for (const task of probe.longTasks) {
    if (task.start < to && task.start + task.duration > from) longest = Math.max(longest, task.duration);
  }
  return longest;
}

/** The first time, at or after `from`, that the summary's text matched. */
function summaryAt(probe: PageProbe, from: number, pattern: RegExp): number | null {
  return probe.summaries.find((seen) => seen.at >= from && pattern.test(seen.text))?.at ?? null;
}

/** Memory after a forced GC, in bytes: the page's JS heap, its ArrayBuffers' backing stores, and its workers'. */
interface Memory {
  heap: number;
  buffers: number;
  /** The workers' JS heaps and buffers; null when they could not be read. */
  workers: number | null;
}

/** What CDP's Runtime.getHeapUsage answers; `backingStorageSize` (ArrayBuffers) in newer Chromium only. */
interface HeapUsage {
  usedSize: number;
  backingStorageSize?: number;
}

const memoryTotal = (memory: Memory | null) =>
  memory === null ? null : memory.heap + memory.buffers + (memory.workers ?? 0);

/**
 * Collects garbage in `page`'s workers and reads their heaps, over a browser-level CDP session (Playwright gives
 * no CDP session for a worker): each worker of `origin` attached without flattening, its commands sent through
 * Target.sendMessageToTarget.
 */
async function workersMemory(browser: Browser, origin: string): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { targetInfos } = await cdp.send('Target.getTargets');
    let total = 0;
    for (const target of targetInfos) {
      if (target.type !== 'worker' || !target.url.startsWith(origin)) continue;
      const { sessionId } = await cdp.send('Target.attachToTarget', {
        targetId: target.targetId,
        flatten: false,
      });
      const answers = new Map<number, (answer: { result?: HeapUsage }) => void>();
      cdp.on('Target.receivedMessageFromTarget', (event) => {
        if (event.sessionId !== sessionId) return;
        const answer = JSON.parse(event.message) as { id?: number; result?: HeapUsage };
        if (answer.id !== undefined) answers.get(answer.id)?.(answer);
      });
      let nextId = 1;
      const send = (method: string) =>
        new Promise<{ result?: HeapUsage }>((resolve, reject) => {
          const id = nextId++;
          answers.set(id, resolve);
          setTimeout(() => reject(new Error(`the worker did not answer ${method}`)), 60_000).unref();
          cdp
            .send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) })
            .catch(reject);
        });
      await send('HeapProfiler.collectGarbage');
      await send('HeapProfiler.collectGarbage');
      const { result } = await send('Runtime.getHeapUsage');
      total += (result?.usedSize ?? 0) + (result?.backingStorageSize ?? 0);
      await cdp.send('Target.detachFromTarget', { sessionId });
    }
    return total;
  } finally {
    await cdp.detach();
  }
}

async function memoryAfterGc(page: Page, browser: Browser, origin: string, notes: string[]): Promise<Memory> {
  const session = await page.context().newCDPSession(page);
  let usage: HeapUsage;
  try {
    await session.send('HeapProfiler.collectGarbage');
    await session.send('HeapProfiler.collectGarbage');
    usage = await session.send('Runtime.getHeapUsage');
  } finally {
    await session.detach();
  }
  const workers = await workersMemory(browser, origin).catch((error: unknown) => {
    notes.push(
      `the workers' heaps could not be read: ${error instanceof Error ? error.message : String(error)}`,
    );
    return null;
  });
  return { heap: usage.usedSize, buffers: usage.backingStorageSize ?? 0, workers };
}

/**
 * With BENCH_PROFILE set, starts a CPU profile of the page's main thread and gives the function that stops it
 * and writes it to that folder as ui-sheet-<rows>-<file>-<phase>.cpuprofile; without, a function that does nothing.
 */
async function profilePhase(page: Page, label: string, phase: string): Promise<() => Promise<void>> {
  const folder = process.env.BENCH_PROFILE;
  if (!folder) return async () => undefined;
  const session = await page.context().newCDPSession(page);
  await session.send('Profiler.enable');
  await session.send('Profiler.start');
  return async () => {
    try {
      const { profile } = await session.send('Profiler.stop');
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, `ui-sheet-${label}-${phase}.cpuprofile`), JSON.stringify(profile));
    } finally {
      await session.detach().catch(() => undefined);
    }
  };
}

/** Edits a cell by accessible names: the row's Delete button (shown on hover) names its row; `column` from 1. */
async function editCell(page: Page, row: number, column: number, value: string): Promise<void> {
  const grid = page.getByRole('grid', { name: 'Sheet' });
  const cell = grid
    .getByRole('row')
    .filter({
      has: page.getByRole('button', { name: `Delete row ${row}`, exact: true, includeHidden: true }),
    })
    .getByRole('gridcell')
    .nth(column - 1);
  await cell.click();
  await page.keyboard.press('F2');
  const editor = page.getByRole('textbox', { name: 'Cell value' });
  await editor.fill(value);
  await editor.press('Enter');
}

/** Waits for the save the app makes after `since` (page clock); gives when it ended in the page clock. */
async function saveEndedAt(page: Page, since: number, timeoutMs: number): Promise<number | null> {
  const origin = await page.evaluate(() => performance.timeOrigin);
  const ended = await waitForSave(page, origin + since, { timeoutMs });
  return ended === null ? null : ended - origin;
}

async function measure(
  browser: Browser,
  server: RunningServer,
  staticDir: string,
  rows: number,
  file: SheetFileKind,
): Promise<SheetBenchResult> {
  const result: SheetBenchResult = {
    rows,
    file,
    bareParseMs: null,
    workerSteps: null,
    importMs: null,
    longest: {
      import: null,
      importSave: null,
      edit: null,
      editSave: null,
      recheck: null,
      restore: null,
      preview: null,
      previewCompare: null,
    },
    editMedianMs: null,
    memoryAfterImport: null,
    memoryAfterRestore: null,
    memoryAtEnd: null,
    restoreMs: null,
    previewListedMs: null,
    previewComparedMs: null,
    notes: [],
  };
  const big = rows >= 1_000_000;
  const timeout = big ? 600_000 : 120_000;
  const saveTimeout = big ? 60_000 : 15_000;
  const fileName = `sheet-${rows}-${file}.csv`;
  const csvPath = join(staticDir, fileName);
  await writeFile(csvPath, generateSheetCsv(rows, 7, file));
  const pattern = rowsPattern(rows);

  const context = await projectContext(browser, PROJECT, [installPageProbe]);
  const page = await context.newPage();
  await probeSaves(page);
  page.on('pageerror', (error) => result.notes.push(`page error: ${error.message}`));
  const summary = page.getByRole('status', { name: 'Sheet summary' });
  try {
    await page.goto(server.url);

    // The baseline: a bare Papa.parse of the same file's text, in this page, median of 3; then let go of it.
    await page.addScriptTag({ url: '/papaparse.min.js' });
    result.bareParseMs = await page.evaluate(async (name) => {
      const text = await (await fetch(`/${name}`)).text();
      const samples: number[] = [];
      for (let run = 0; run < 3; run++) {
        const start = performance.now();
        window.Papa.parse(text, { skipEmptyLines: true });
        samples.push(performance.now() - start);
      }
      return samples.sort((a, b) => a - b)[1] ?? 0;
    }, fileName);
    await memoryAfterGc(page, browser, server.url, []);

    // Import: from the file input's change to a summary counting every row.
    const importProfiled = await profilePhase(page, `${rows}-${file}`, 'import');
    await page.getByLabel('Import file').setInputFiles(csvPath);
    await summary.filter({ hasText: pattern }).waitFor({ timeout });
    let probe = await probeOf(page);
    const chosen = probe.fileChosen.at(-1);
    const shown = chosen === undefined ? null : summaryAt(probe, chosen, pattern);
    if (chosen === undefined || shown === null) {
      result.notes.push('import: the change event or the summary was not seen in the page');
      return result;
    }
    result.importMs = shown - chosen;
    // NOTE: no named function inside: the runner's transform would name it with a helper the page lacks.
    result.workerSteps = await page.evaluate(() => {
      const [read, check, pack] = [
        'Spanpatch import: read and parse (worker)',
        'Spanpatch import: check (worker)',
        'Spanpatch import: pack (worker)',
      ].map((name) => performance.getEntriesByName(name, 'measure').at(-1)?.duration ?? null);
      return read == null || check == null || pack == null ? null : { read, check, pack };
    });
    const imported = await saveEndedAt(page, shown, saveTimeout);
    if (imported === null) result.notes.push('no save seen after the import (waited for one)');
    const importSettled = imported ?? (await pageNow(page));
    probe = await probeOf(page);
    result.longest.import = longestIn(probe, chosen, shown + TAIL_MS);
    result.longest.importSave = longestIn(probe, shown + TAIL_MS, importSettled + TAIL_MS);
    await importProfiled();
    result.memoryAfterImport = await memoryAfterGc(page, browser, server.url, result.notes);

    // One edit (row 3's span ID made blank: an error, so the summary changes), then its autosave.
    const editProfiled = await profilePhase(page, `${rows}-${file}`, 'edit');
    await editCell(page, 3, 1, '');
    await summary.filter({ hasText: /(^|\D)1 error/ }).waitFor({ timeout });
    probe = await probeOf(page);
    const committed = probe.editCommitted.at(-1) ?? 0;
    const edited = probe.summaries.find((seen) => seen.at >= committed)?.at ?? committed;
    const saved = await saveEndedAt(page, edited, saveTimeout);
    if (saved === null) result.notes.push('no save seen after the edit (waited for one)');
    probe = await probeOf(page);
    const saveFrom = edited + SAVE_DELAY_MS - 100;
    result.longest.edit = longestIn(probe, committed, saveFrom);
    result.longest.editSave = longestIn(probe, saveFrom, (saved ?? (await pageNow(page))) + TAIL_MS);

    await editProfiled();

    // Edit to updated summary, the same cell back and forth: each commit changes the error count.
    const editsProfiled = await profilePhase(page, `${rows}-${file}`, 'timed-edits');
    const original = sheetSpanIdFor(file, 2);
    const timesFrom = probe.editCommitted.length;
    for (let edit = 0; edit < TIMED_EDITS; edit++) {
      await editCell(page, 3, 1, edit % 2 === 0 ? original : '');
      await summary
        .filter({ hasText: edit % 2 === 0 ? /(^|\D)0 errors/ : /(^|\D)1 error/ })
        .waitFor({ timeout });
    }
    probe = await probeOf(page);
    const editTimes = probe.editCommitted.slice(timesFrom).flatMap((at) => {
      const seen = probe.summaries.find((change) => change.at >= at);
      return seen ? [seen.at - at] : [];
    });
    result.editMedianMs = editTimes.length === TIMED_EDITS ? median(editTimes) : null;
    if (result.editMedianMs === null)
      result.notes.push(`edit → summary: ${editTimes.length} of ${TIMED_EDITS} edits changed the summary`);
    const lastEdit = probe.summaries.at(-1)?.at ?? (await pageNow(page));
    if ((await saveEndedAt(page, lastEdit, saveTimeout)) === null)
      result.notes.push('no save seen after the timed edits');

    await editsProfiled();

    // An edit that rechecks every row: text in the column of whole numbers (quality, the 4th): the page says it
    // checks, the worker does, the sheet comes back with the change.
    const recheckProfiled = await profilePhase(page, `${rows}-${file}`, 'recheck');
    const recheckFrom = await pageNow(page);
    await editCell(page, 3, 4, 'high');
    const checking = page.getByRole('status').filter({ hasText: /Checking [\d,]+ rows after this change/ });
    await checking.waitFor({ state: 'detached', timeout });
    const rechecked = await pageNow(page);
    const recheckSaved = await saveEndedAt(page, rechecked, saveTimeout);
    probe = await probeOf(page);
    result.longest.recheck = longestIn(probe, recheckFrom, (recheckSaved ?? rechecked) + TAIL_MS);
    await recheckProfiled();

    // Reload: from the navigation to the summary counting the rows again.
    const restoreProfiled = await profilePhase(page, `${rows}-${file}`, 'reload');
    await page.reload({ waitUntil: 'commit' });
    await summary.filter({ hasText: pattern }).waitFor({ timeout });
    probe = await probeOf(page);
    const restored = summaryAt(probe, 0, pattern);
    if (restored === null) {
      result.notes.push('reload: the restored summary was not seen in the page');
      return result;
    }
    result.restoreMs = restored;
    await page.waitForTimeout(TAIL_MS);
    probe = await probeOf(page);
    result.longest.restore = longestIn(probe, 0, restored + TAIL_MS);
    await restoreProfiled();
    result.memoryAfterRestore = await memoryAfterGc(page, browser, server.url, result.notes);

    // Preview: the tab, its span list, then the server's comparison (the spans are stored in the project).
    const previewProfiled = await profilePhase(page, `${rows}-${file}`, 'preview');
    const opened = await pageNow(page);
    await page.getByRole('tab', { name: 'Preview' }).click();
    await page.getByRole('list', { name: 'Spans' }).getByRole('listitem').first().waitFor({ timeout });
    const listed = await pageNow(page);
    result.previewListedMs = listed - opened;
    const compared = await page
      .getByRole('status', { name: 'Preview summary' })
      .getByRole('button', { name: /Already up to date/ })
      .waitFor({ timeout })
      .then(
        () => pageNow(page),
        () => null,
      );
    if (compared === null) result.notes.push("Preview: the server's comparison did not finish");
    else result.previewComparedMs = compared - opened;
    await page.waitForTimeout(TAIL_MS);
    probe = await probeOf(page);
    result.longest.preview = longestIn(probe, opened, listed + TAIL_MS);
    if (compared !== null)
      result.longest.previewCompare = longestIn(probe, listed + TAIL_MS, compared + TAIL_MS);
    await previewProfiled();
    result.memoryAtEnd = await memoryAfterGc(page, browser, server.url, result.notes);
  } catch (error) {
    const said = await summary.allTextContents().catch(() => []);
    result.notes.push(
      `stopped: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}; the summary said ${JSON.stringify(said)}`,
    );
    if (process.env.BENCH_SCREENSHOT)
      await page.screenshot({ path: process.env.BENCH_SCREENSHOT }).catch(() => undefined);
  } finally {
    await context.close();
    await rm(csvPath, { force: true });
  }
  return result;
}

/** Stores `count` spans (the generated sheet's IDs) in the bench project, so Preview compares against them. */
async function storeSpans(server: RunningServer, count: number): Promise<void> {
  const batch = 50_000;
  for (let first = 0; first < count; first += batch) {
    const spans = Array.from({ length: Math.min(batch, count - first) }, (_, offset) => {
      const index = first + offset;
      return llmSpan(index, spanIdFor(index));
    });
    await server.store.ingestSpans(PROJECT, spans);
  }
}

/** Measures each size in one browser and server; see the file's header. */
export async function runUiSheetBench(
  sizes: number[] = sizesAsked(),
  files: SheetFileKind[] = filesAsked(),
): Promise<SheetBenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'spanpatch-bench-'));
  const staticDir = join(dir, 'ui');
  // Profiles name the app's own functions: a profiling run builds it unminified.
  const minify = !process.env.BENCH_PROFILE;
  await build({
    logLevel: 'error',
    build: { outDir: staticDir, sourcemap: false, emptyOutDir: true, minify },
  });
  await copyFile(resolve('node_modules/papaparse/papaparse.min.js'), join(staticDir, 'papaparse.min.js'));
  const server = await startServer({ dbPath: join(dir, 'spans.db'), port: 0, staticDir, logLevel: 'silent' });
  const browser = await launchChromium();
  try {
    await storeSpans(server, Math.max(...sizes));
    const results: SheetBenchResult[] = [];
    for (const rows of sizes)
      for (const file of files) results.push(await measure(browser, server, staticDir, rows, file));
    return results;
  } finally {
    await browser.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The aims of issue 14 for a size: the 1,000,000-row aims from a million rows up. */
function aimsFor(rows: number) {
  const big = rows >= 1_000_000;
  return {
    ratio: atMost(big ? 2 : 1.5, '×'),
    longTask: atMost(big ? 200 : 100, ' ms'),
    edit: big ? below(16, ' ms') : null,
    heap: big ? below(400, ' MB') : null,
  };
}

const megabytes = (memory: Memory | null) => {
  const total = memoryTotal(memory);
  return total === null ? null : total / MB;
};

/** "415 heap + 12 buffers + 0 workers" (MB). */
function memoryParts(memory: Memory | null): string {
  if (memory === null) return 'not measured';
  const mb = (bytes: number) => Math.round(bytes / MB).toLocaleString('en-US');
  const workers = memory.workers === null ? '? workers' : `${mb(memory.workers)} workers`;
  return `${mb(memory.heap)} heap + ${mb(memory.buffers)} buffers + ${workers}`;
}

/** A column's heading: its size and file ("100,000 rows, repeated IDs"). */
const columnText = (result: SheetBenchResult) =>
  `${rowsText(result.rows)}, ${result.file === 'clean' ? 'unique IDs' : 'repeated IDs'}`;

function report(results: SheetBenchResult[]): void {
  const longTaskRows: [string, Phase][] = [
    ['  import', 'import'],
    ['  its first save', 'importSave'],
    ['  one cell edit', 'edit'],
    ['  its autosave', 'editSave'],
    ['  an edit that rechecks every row', 'recheck'],
    ['  reload → sheet restored', 'restore'],
    ['  opening Preview (to its span list)', 'preview'],
    ["  Preview's server comparison", 'previewCompare'],
  ];
  const cells = (
    make: (result: SheetBenchResult, aims: ReturnType<typeof aimsFor>) => [string, Aim | null],
  ) => results.map((result) => make(result, aimsFor(result.rows)));
  printTable(
    `ui-sheet bench · headless Chromium · 10 columns · Preview compared with the spans stored on the server`,
    results.map(columnText),
    [
      ['bare Papa.parse, median of 3', cells((r) => [msText(r.bareParseMs), null])],
      [
        'file → checked sheet',
        cells((r, aims) => [
          `${msText(r.importMs)} ${ratioText(r.importMs, r.bareParseMs)}`,
          aims.ratio.judge(r.importMs === null || !r.bareParseMs ? null : r.importMs / r.bareParseMs),
        ]),
      ],
      ...importStepRows(results),
      ['longest main-thread task in', results.map(() => ['', null])],
      ...longTaskRows.map(([label, phase]): [string, [string, Aim | null][]] => [
        label,
        cells((r, aims) => [longTaskText(r.longest[phase]), aims.longTask.judge(r.longest[phase])]),
      ]),
      [
        `edit → summary, median of ${TIMED_EDITS}`,
        cells((r, aims) => [msText(r.editMedianMs, 1), aims.edit?.judge(r.editMedianMs) ?? null]),
      ],
      [
        'memory after GC, imported',
        cells((r, aims) => [
          bytesText(memoryTotal(r.memoryAfterImport)),
          aims.heap?.judge(megabytes(r.memoryAfterImport)) ?? null,
        ]),
      ],
      [
        '  after reload',
        cells((r, aims) => [
          bytesText(memoryTotal(r.memoryAfterRestore)),
          aims.heap?.judge(megabytes(r.memoryAfterRestore)) ?? null,
        ]),
      ],
      [
        '  then Preview',
        cells((r, aims) => [
          bytesText(memoryTotal(r.memoryAtEnd)),
          aims.heap?.judge(megabytes(r.memoryAtEnd)) ?? null,
        ]),
      ],
      ['reload → sheet restored', cells((r) => [msText(r.restoreMs), null])],
      ['Preview: span list shown', cells((r) => [msText(r.previewListedMs), null])],
      ['  server comparison done', cells((r) => [msText(r.previewComparedMs), null])],
    ],
  );
  console.log(
    '  long tasks are PerformanceObserver "longtask" entries (50 ms and up) on the page\'s main thread;',
  );
  console.log(
    "  memory: the page's JS heap, its ArrayBuffers and its workers' (CDP Runtime.getHeapUsage after a forced GC), MB:",
  );
  for (const result of results) {
    console.log(
      `    ${columnText(result)}: imported ${memoryParts(result.memoryAfterImport)}; ` +
        `after reload ${memoryParts(result.memoryAfterRestore)}; then Preview ${memoryParts(result.memoryAtEnd)}`,
    );
  }
  for (const result of results) {
    for (const note of result.notes) console.log(`  note, ${columnText(result)}: ${note}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) report(await runUiSheetBench());

/** Where the import's time goes: the worker's steps, each against the bare parse, and the rest (post, open, draw). */
function importStepRows(results: readonly SheetBenchResult[]): [string, [string, Aim | null][]][] {
  const step = (
    label: string,
    of: (result: SheetBenchResult) => number | null,
  ): [string, [string, Aim | null][]] => [
    label,
    results.map((result) => [`${msText(of(result))} ${ratioText(of(result), result.bareParseMs)}`, null]),
  ];
  return [
    step('  read and parse (worker)', (r) => r.workerSteps?.read ?? null),
    step('  check every row and span (worker)', (r) => r.workerSteps?.check ?? null),
    step('  pack (worker)', (r) => r.workerSteps?.pack ?? null),
    step('  post, open and draw (page)', (r) =>
      r.importMs === null || r.workerSteps === null
        ? null
        : r.importMs - r.workerSteps.read - r.workerSteps.check - r.workerSteps.pack,
    ),
  ];
}
