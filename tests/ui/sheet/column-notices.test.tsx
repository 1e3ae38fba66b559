// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { File as NodeFile } from 'node:buffer';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { autoMapColumns } from '@/core/columns';
import { loadSavedSheets } from '@/ui/sheet/autosave/autosave';
import { tableFromPastedBlock } from '@/ui/sheet/grid/paste';
import { MappingDialog } from '@/ui/sheet/import/mapping-dialog';
import { emptySheet, SheetStore } from '@/ui/sheet/sheet-store';
import { SheetView } from '@/ui/sheet/sheet-view';
import { useAutosave } from '@/ui/sheet/use-autosave';
import { API, runImportWorkerInProcess } from '../api';
import { render } from '../render';

const A = '61dbffb32f20ddb6';
const SAVED = { timeout: 15_000 };

/**
 * Drops the analyst's pandas file onto the Sheet tab, as the analyst does: the import reads, maps and checks it (the
 * import worker's code, run in-process). Settles once the tab shows it.
 */
async function dropPandasFile(): Promise<void> {
  API.drop(screen.getByRole('grid', { name: 'Sheet' }), API.file('tests/fixtures/import/pandas-review.csv'));
  await waitFor(() => expect(screen.getByText('pandas-review.csv').className).toBe('sheet-source'));
}

function SheetTab({ store, database }: { store: SheetStore; database: IDBFactory }) {
  const { restoring, unrestored } = useAutosave(store, database);
  return <SheetView store={store} restoring={restoring} unrestored={unrestored} />;
}

async function openTab(database: IDBFactory, store = new SheetStore()): Promise<SheetStore> {
  render(<SheetTab store={store} database={database} />);
  await waitFor(() => expect(screen.queryByText('Restoring your sheet…')).toBeNull());
  return store;
}

const summaryText = () => screen.getByRole('status', { name: 'Sheet summary' }).textContent ?? '';
/** The text that describes a field (its `aria-describedby`), as a screen reader reads it after the name. */
const descriptionOf = (field: HTMLElement) =>
  document.getElementById(field.getAttribute('aria-describedby') ?? '')?.textContent;
const needsAttention = () => screen.queryByRole('list', { name: 'Needs attention' });
const header = (name: RegExp) =>
  within(screen.getByRole('grid', { name: 'Sheet' })).getByRole('columnheader', { name });

beforeAll(() => {
  runImportWorkerInProcess();
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 640 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1200 });
});

afterEach(cleanup);
afterAll(() => vi.unstubAllGlobals());

describe('column notices on the Sheet tab (issue 12)', () => {
  it('shows one notice per column instead of a warning per cell, and one Accept per column quiets it', async () => {
    const store = new SheetStore();
    render(<SheetView store={store} restoring={false} />);
    await dropPandasFile();
    const user = userEvent.setup();

    const notices = within(needsAttention() ?? document.body).getAllByRole('listitem');
    expect(notices.map((item) => item.textContent)).toEqual([
      expect.stringMatching(
        /^attributes\.metadata\.reviewed: 36 true\/false values are stored as the text "true" or "false".*Row 1: False is stored as "false"\./,
      ),
      expect.stringMatching(
        /^attributes\.metadata\.ticket_id: Read as text: 30 values look like a number.*Row 2: 062491 is stored as "062491" \(a leading zero\)\./,
      ),
    ]);
    expect(summaryText()).toContain('1 error');
    expect(summaryText()).toContain('3 warnings');
    expect(summaryText()).toContain('2 column notices');
    // The headers carry a badge; the cells of the column no marker.
    expect(header(/attributes\.metadata\.reviewed/).textContent).toContain('1 column notice');
    const grid = screen.getByRole('grid', { name: 'Sheet' });
    const reviewedCells = grid.querySelectorAll('[role="gridcell"][aria-colindex="4"]');
    expect(reviewedCells.length).toBeGreaterThan(5);
    for (const cell of reviewedCells) expect(cell.className).not.toMatch(/sheet-cell-(warning|error)/);

    for (const item of notices) await user.click(within(item).getByRole('button', { name: 'Accept' }));
    expect(needsAttention()).toBeNull();
    expect(summaryText()).not.toContain('column notice');
    expect(summaryText()).toContain('Accepted: 2 conversions');
    expect(header(/attributes\.metadata\.reviewed/).textContent).toContain('1 accepted conversion');
    const accepted = screen.getByRole('list', { name: 'Accepted conversions' });
    expect(within(accepted).getAllByRole('button', { name: 'Show again' })).toHaveLength(2);
    // What is stored is what it was.
    expect(
      store.model.span('44dcda6a797d76de')?.patch.find((entry) => entry.key === 'reviewed')?.stored,
    ).toBe('false');

    // An Accept is an edit: undo takes it back.
    act(() => store.undo());
    expect(summaryText()).toContain('1 column notice');
    await user.click(within(accepted).getByRole('button', { name: 'Show again' }));
    expect(summaryText()).toContain('2 column notices');
  });

  it('remembers the accepted notices with the sheet, across a reload', async () => {
    const database = new IDBFactory();
    await openTab(database);
    await dropPandasFile();
    const [reviewed] = within(needsAttention() ?? document.body).getAllByRole('listitem');
    await userEvent.setup().click(within(reviewed ?? document.body).getByRole('button', { name: 'Accept' }));
    await waitFor(async () => {
      const saved = await loadSavedSheets(database);
      expect(saved.sheet?.model.columns.find((column) => column.id === 'c2')?.acceptedNotices).toEqual([
        'bool_to_string',
      ]);
    }, SAVED);
    cleanup();

    const second = await openTab(database);
    expect(second.model.columnNotices().map(({ code, accepted }) => ({ code, accepted }))).toEqual([
      { code: 'bool_to_string', accepted: true },
      { code: 'looks_numeric_kept_text', accepted: false },
    ]);
    expect(summaryText()).toContain('Accepted: 1 conversion');
  });
});

describe('naming keys (issue 12)', () => {
  it("asks a new sheet's key, and blocks a span with a value until it is named", async () => {
    const store = new SheetStore();
    render(<SheetView store={store} restoring={false} />);
    const user = userEvent.setup();
    expect(summaryText()).toContain('1 key to name');
    act(() =>
      store.apply(
        {
          kind: 'set_cells',
          cells: [
            { row: 0, columnId: 'c0', value: A },
            { row: 0, columnId: 'c1', value: 'refund' },
          ],
        },
        'Type',
      ),
    );
    expect(store.model.spanStatus(A)).toBe('blocked');
    expect(store.model.cellIssues(0, 'c1').map((issue) => issue.code)).toEqual(['unnamed_key']);

    const form = within(needsAttention() ?? document.body);
    await user.click(form.getByRole('button', { name: 'Name key' }));
    const keyBox = form.getByRole('textbox', { name: "Name this column's key" });
    expect(keyBox.getAttribute('aria-invalid')).toBe('true');
    expect(descriptionOf(keyBox)).toBe("Name this column's key.");
    await user.type(keyBox, 'label{Enter}');
    expect(store.model.columns[1]).toMatchObject({
      name: 'attributes.metadata.label',
      target: { kind: 'metadata', key: 'label' },
    });
    expect(store.model.spanStatus(A)).toBe('ready');
    expect(needsAttention()).toBeNull();
    expect(summaryText()).not.toContain('to name');
  });

  it('moves the focus to the key of a new sheet', async () => {
    render(<SheetView store={new SheetStore()} restoring={false} />);
    await dropPandasFile();
    await userEvent.setup().click(screen.getByRole('button', { name: 'New sheet' }));
    expect(document.activeElement).toBe(screen.getByRole('textbox', { name: "Name this column's key" }));
  });

  it('asks for the key of an added column instead of making one up', async () => {
    const store = new SheetStore();
    render(<SheetView store={store} restoring={false} />);
    await dropPandasFile();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Add column' }));
    const dialog = screen.getByRole('dialog', { name: 'Add a column' });
    const key = within(dialog).getByRole('textbox', { name: 'Metadata key' });
    expect(document.activeElement).toBe(key);
    await user.click(within(dialog).getByRole('button', { name: 'Add column' }));
    expect(key.getAttribute('aria-invalid')).toBe('true');
    expect(descriptionOf(key)).toBe("Name this column's key.");
    await user.type(key, 'reviewer');
    expect(descriptionOf(key)).toBe('Another column already sets "reviewer"; the column further right wins.');
    await user.clear(key);
    await user.type(key, 'priority{Enter}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(store.model.columns.map((column) => column.name)).toContain('attributes.metadata.priority');
    expect(store.undoLabel).toBe('Add column attributes.metadata.priority');
  });

  it('renames the key with the header in the column menu, and the header with the key', async () => {
    const store = new SheetStore(emptySheet(2, 'key'));
    render(<SheetView store={store} restoring={false} />);
    const user = userEvent.setup();
    await user.click(within(header(/attributes\.metadata\.key/)).getByRole('button'));
    const menu = screen.getByRole('dialog', { name: /^Column / });
    const key = within(menu).getByRole('textbox', { name: 'Key' });
    await user.clear(key);
    await user.type(key, 'label{Enter}');
    expect(store.model.columns[1]).toMatchObject({
      name: 'attributes.metadata.label',
      target: { kind: 'metadata', key: 'label' },
    });
    const name = within(screen.getByRole('dialog', { name: /^Column / })).getByRole('textbox', {
      name: 'Column name',
    });
    await user.clear(name);
    await user.type(name, 'attributes.metadata.priority{Enter}');
    expect(store.model.columns[1]).toMatchObject({
      name: 'attributes.metadata.priority',
      target: { kind: 'metadata', key: 'priority' },
    });
  });
});

describe('a block pasted with a header row (issue 12)', () => {
  it('goes through the mapping step, as a file does', async () => {
    const store = new SheetStore();
    render(<SheetView store={store} restoring={false} />);
    const grid = screen.getByRole('grid', { name: 'Sheet' });
    const text = `span_id\tlabel\tpriority\tpatch_document\n${A}\trefund\thigh\t\n`;
    fireEvent.paste(grid, { clipboardData: { getData: () => text } });
    const dialog = await screen.findByRole('dialog', { name: 'Map the columns of the pasted block' });
    // Not silently ignored: each unknown column is shown, a plain header taken as the key it names (issue 25),
    // and the user may leave one out.
    const label = within(dialog).getByRole('row', { name: 'Column label' });
    expect(within(label).getByRole('combobox', { name: 'Maps to' })).toHaveProperty('value', 'metadata');
    expect(within(label).getByRole('textbox', { name: 'Key' })).toHaveProperty('value', 'label');
    const priority = within(dialog).getByRole('row', { name: 'Column priority' });
    expect(within(priority).getByRole('combobox', { name: 'Maps to' })).toHaveProperty('value', 'metadata');
    fireEvent.change(within(priority).getByRole('combobox', { name: 'Maps to' }), {
      target: { value: 'ignore' },
    });
    await userEvent.setup().click(within(dialog).getByRole('button', { name: 'Import 1 row' }));
    await waitFor(() => expect(store.source).toEqual({ name: 'Pasted sheet', kind: 'paste' }));
    expect(store.dirty).toBe(true);
    expect(store.model.submittableSpans()).toEqual([{ span_id: A, patch_document: { label: 'refund' } }]);
  });

  it('refuses a block of more than 1,000 columns, as a file, and leaves the sheet as it was', async () => {
    const store = new SheetStore();
    const before = store.model;
    render(<SheetView store={store} restoring={false} />);
    const grid = screen.getByRole('grid', { name: 'Sheet' });
    const names = ['span_id', ...Array.from({ length: 1_000 }, (_, i) => `key${i}`)];
    const text = `${names.join('\t')}\n${names.map((_, i) => (i === 0 ? A : 'x')).join('\t')}\n`;
    fireEvent.paste(grid, { clipboardData: { getData: () => text } });
    const problem = await waitFor(() => {
      const found = screen
        .getAllByRole('alert')
        .filter((alert) => alert.textContent?.includes('not imported'));
      expect(found).toHaveLength(1);
      return found[0];
    });
    expect(problem?.textContent).toContain(
      'Pasted sheet was not imported. The pasted block has 1,001 columns; Spanpatch reads at most 1,000.',
    );
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(store.model).toBe(before);
  });

  it("offers a header that is one of the project's keys as that key, and says so", () => {
    const table = tableFromPastedBlock([
      ['span_id', 'Label', 'priority'],
      [A, 'refund', 'high'],
    ]);
    if (!table) throw new Error('no table');
    const { columns } = autoMapColumns(table.headers, 'text', ['label', 'reviewed']);
    render(
      <MappingDialog
        fileName="the pasted block"
        table={table}
        rowCount={table.rows.length}
        initialColumns={columns}
        knownKeys={['label', 'reviewed']}
        onConfirm={() => undefined}
        onCancel={() => undefined}
      />,
    );
    const dialog = screen.getByRole('dialog', { name: 'Map the columns of the pasted block' });
    expect(dialog.textContent).toContain("A column is offered as the project's key label");
    const label = within(dialog).getByRole('row', { name: 'Column Label' });
    expect(within(label).getByRole('combobox', { name: 'Maps to' })).toHaveProperty('value', 'metadata');
    // With the project's keys to offer, the key field is a combobox.
    expect(within(label).getByRole('combobox', { name: 'Key' })).toHaveProperty('value', 'label');
    // The project's keys are offered as a key is typed.
    const options = [...dialog.querySelectorAll('datalist option')].map((option) =>
      option.getAttribute('value'),
    );
    expect(options).toEqual(['label', 'reviewed']);
  });

  it('lists its problems in an alert that holds a list, and asks for a key left blank', () => {
    const table = tableFromPastedBlock([
      ['span_id', 'priority'],
      [A, 'high'],
    ]);
    if (!table) throw new Error('no table');
    const [span, priority] = autoMapColumns(table.headers).columns;
    if (!span || !priority) throw new Error('no columns');
    render(
      <MappingDialog
        fileName="the pasted block"
        table={table}
        rowCount={table.rows.length}
        initialColumns={[span, { ...priority, target: { kind: 'metadata', key: '' } }]}
        onConfirm={() => undefined}
        onCancel={() => undefined}
      />,
    );
    const alert = screen.getByRole('alert');
    expect(alert.tagName).toBe('DIV');
    expect(
      within(alert)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(['Name the key of column priority: a column mapped to a metadata key needs one.']);
    expect(screen.getByRole('button', { name: 'Import 1 row' })).toHaveProperty('disabled', true);
  });
});

describe('objects and lists in patch_document (issue 25)', () => {
  /** A pandas file whose patch_document holds a list under "tags" and an object under "ctx" on every row. */
  function patchDocumentFile(rows: number): File {
    const lines = ['context.span_id,patch_document'];
    for (let row = 0; row < rows; row++) {
      const document = JSON.stringify({ tags: ['a', `t${row}`], ctx: { turn: row }, note: 'ok' });
      lines.push(`${row.toString(16).padStart(16, '0')},"${document.replaceAll('"', '""')}"`);
    }
    // Node's File, as jsdom's cannot `stream()` its bytes (`API.file`).
    return new NodeFile([lines.join('\n')], 'patch-documents.csv') as unknown as File;
  }

  it('says each key once, with the rows it is about, instead of a warning per cell', async () => {
    render(<SheetView store={new SheetStore()} restoring={false} />);
    API.drop(screen.getByRole('grid', { name: 'Sheet' }), patchDocumentFile(500));
    await waitFor(() => expect(screen.getByText('patch-documents.csv').className).toBe('sheet-source'));

    const notices = within(needsAttention() ?? document.body).getAllByRole('listitem');
    expect(notices.map((item) => item.textContent)).toEqual([
      expect.stringMatching(
        /^patch_document: 500 objects or lists under "ctx" are stored as JSON text\. Row 1: \{"turn":0\} is stored as "\{\\"turn\\":0\}"\. In rows 1, 2, 3, 4, 5 and 495 more\./,
      ),
      expect.stringMatching(/^patch_document: 500 objects or lists under "tags" are stored as JSON text\./),
    ]);
    expect(summaryText()).toContain('2 column notices');
    expect(summaryText()).not.toMatch(/[1-9][\d,]* warnings?/);
    expect(header(/^patch_document/).textContent).toContain('2 column notices');
    const grid = screen.getByRole('grid', { name: 'Sheet' });
    const documentCells = grid.querySelectorAll('[role="gridcell"][aria-colindex="3"]');
    expect(documentCells.length).toBeGreaterThan(5);
    for (const cell of documentCells) expect(cell.className).not.toMatch(/sheet-cell-(warning|error)/);

    // One Accept covers the conversion for every key of the column.
    const [ctx] = notices;
    await userEvent
      .setup()
      .click(within(ctx ?? document.body).getByRole('button', { name: 'Accept for every key' }));
    expect(needsAttention()).toBeNull();
    expect(summaryText()).toContain('Accepted: 2 conversions');
  });
});
