// @vitest-environment jsdom
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { App } from '@/ui/app/app';
import { SheetStore } from '@/ui/sheet';
import { SpansStore } from '@/ui/spans';
import { SubmissionStore } from '@/ui/submission';
import { ingestSpans, spanId, startTestServer, type TestServer } from '../../server/test-server';
import { API, runImportWorkerInProcess } from '../api';
import { connectTo, giveLayout } from '../page-setup';
import { render } from '../render';

/** Auto typing that knows the project (SPEC §2): a file dropped on the Sheet tab, read with the project's types. */

let server: TestServer;
let dir: string;
let project = 0;

beforeAll(async () => {
  giveLayout({ height: 800, width: 1200 });
  runImportWorkerInProcess();
  server = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), 'spanpatch-project-types-'));
});

afterEach(cleanup);

afterAll(async () => {
  vi.unstubAllGlobals();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A nightly job's scores: twenty spans, the eighth with `N/A`. */
async function nightlyFile(): Promise<File> {
  const lines = ['context.span_id,attributes.metadata.score'];
  for (let index = 1; index <= 20; index++) lines.push(`${spanId(index)},${index === 8 ? 'N/A' : index % 5}`);
  const path = join(dir, `nightly-${++project}.csv`);
  await writeFile(path, `${lines.join('\n')}\n`);
  return API.file(path);
}

/** The app on a project of its own whose stored spans have `score` typed as `stored`. */
async function renderApp(stored: unknown) {
  const name = `types${++project}`;
  await ingestSpans(server, name, [{ spanId: spanId(0xfff), metadata: { score: stored } }]);
  connectTo({ serverUrl: server.url, project: name });
  const sheet = new SheetStore();
  render(<App stores={{ sheet, submission: new SubmissionStore(), spans: new SpansStore() }} />);
  return sheet;
}

const summary = () => screen.getByRole('status', { name: 'Sheet summary' }).textContent ?? '';
const grid = () => screen.findByRole('grid', { name: 'Sheet' });

describe('a column of a key the project already types', () => {
  it('reads as the project type: the one text cell is an error that blocks its span only', async () => {
    const sheet = await renderApp(3);
    API.drop(await grid(), await nightlyFile());
    await waitFor(() => expect(summary()).toContain('20 rows'));
    await waitFor(() => expect(summary()).toContain('1 span blocked'));
    expect(summary()).toContain('1 error');
    expect(summary()).not.toContain('warning ');
    const { model } = sheet;
    expect(model.submittableSpans()).toHaveLength(19);
    expect(model.cellIssues(7, model.columns[1]?.id ?? '').map((issue) => issue.code)).toEqual([
      'not_a_number',
    ]);
    expect(model.columnInfo(model.columns[1]?.id ?? '')?.readType).toBe('number');
  });

  it('keeps the rule of a new key where the project has the key as text: the column is read as text', async () => {
    const sheet = await renderApp('three');
    API.drop(await grid(), await nightlyFile());
    await waitFor(() => expect(summary()).toContain('20 rows'));
    await waitFor(() => expect(sheet.model.projectTypes.get('score')).toBe('Utf8'));
    expect(summary()).toContain('0 errors');
    expect(summary()).not.toContain('blocked');
    expect(sheet.model.submittableSpans()[0]).toEqual({ span_id: spanId(1), patch_document: { score: '1' } });
  });
});
