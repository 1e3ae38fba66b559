import { describe, expect, it } from 'vitest';
import {
  autoMapColumns,
  autoMapHeader,
  checkSheetColumns,
  type ColumnSettings,
  isIdLikeName,
  isUnnamedKeyColumn,
  keyProblem,
  renameChanges,
  settingsChanges,
  standardColumns,
  suggestedKey,
} from '@/core/columns';

describe('auto-mapping headers (SPEC §1)', () => {
  it.each([
    ['context.span_id', { kind: 'span_id' }],
    ['  Context.Span_ID ', { kind: 'span_id' }],
    ['span_id', { kind: 'span_id' }],
    ['spanId', { kind: 'span_id' }],
    ['span id', { kind: 'span_id' }],
    ['SPAN ID', { kind: 'span_id' }],
    ['patch_document', { kind: 'patch_document' }],
    ['Patch_Document', { kind: 'patch_document' }],
    ['attributes.metadata.reviewed', { kind: 'metadata', key: 'reviewed' }],
    ['ATTRIBUTES.METADATA.Reviewer', { kind: 'metadata', key: 'Reviewer' }],
    ['attributes.metadata.a.b', { kind: 'metadata', key: 'a.b' }],
    ['attributes.metadata.', { kind: 'metadata', key: '' }],
    ['notes', { kind: 'ignore' }],
  ])('%j maps to %j', (header, target) => {
    expect(autoMapHeader(header, 1).target).toEqual(target);
  });

  it('keeps the metadata key literally, as the SDK does: a dotted key stays flat', () => {
    expect(autoMapHeader('attributes.metadata.user.name', 0).target).toEqual({
      kind: 'metadata',
      key: 'user.name',
    });
  });

  it.each(['', 'Unnamed: 0', 'unnamed:0'])('ignores a leading pandas index column named %j', (header) => {
    const mapping = autoMapHeader(header, 0);
    expect(mapping).toMatchObject({ target: { kind: 'ignore' }, recognized: true, pandasIndex: true });
  });

  it('does not treat an unnamed column elsewhere as the pandas index', () => {
    expect(autoMapHeader('Unnamed: 0', 3)).toMatchObject({ recognized: false, pandasIndex: false });
  });

  it('reports whether every column was recognised, so the mapping step opens only when needed', () => {
    expect(autoMapColumns(['Unnamed: 0', 'context.span_id', 'attributes.metadata.x']).allRecognized).toBe(
      true,
    );
    expect(autoMapColumns(['context.span_id', 'attributes.metadata.x', 'comment']).allRecognized).toBe(false);
  });

  it('maps only the first span ID column and leaves a second one for the user to choose', () => {
    const { columns, allRecognized } = autoMapColumns(['span_id', 'context.span_id', 'patch_document']);
    expect(columns.map((column) => column.target.kind)).toEqual(['span_id', 'ignore', 'patch_document']);
    expect(allRecognized).toBe(false);
  });

  it('gives every column the defaults: type auto, blanks skipped', () => {
    const { columns } = autoMapColumns(['context.span_id', 'attributes.metadata.x'], 'typed');
    expect(columns[1]).toMatchObject({ type: 'auto', blankPolicy: 'skip', origin: 'typed', id: 'c1' });
  });

  it('starts a new sheet with the three standard columns, the key not named until the user names it', () => {
    expect(standardColumns().map((column) => column.name)).toEqual([
      'context.span_id',
      'attributes.metadata.',
      'patch_document',
    ]);
    expect(standardColumns()[1]?.target).toEqual({ kind: 'metadata', key: '' });
    expect(standardColumns().map(isUnnamedKeyColumn)).toEqual([false, true, false]);
    expect(standardColumns('label')[1]).toMatchObject({
      name: 'attributes.metadata.label',
      target: { kind: 'metadata', key: 'label' },
    });
    expect(standardColumns('label').map(isUnnamedKeyColumn)).toEqual([false, false, false]);
  });

  it.each([
    ['user_id', true],
    ['userId', true],
    ['ID', true],
    ['ticket id', true],
    ['paid', false],
    ['valid', false],
    ['score', false],
  ])('%j is ID-like: %s', (name, expected) => {
    expect(isIdLikeName(name)).toBe(expected);
  });
});

describe('sheet-wide checks', () => {
  it('asks for metadata columns with the exact message of the spec', () => {
    const issues = checkSheetColumns(autoMapColumns(['context.span_id', 'notes']).columns);
    expect(issues).toEqual([
      {
        code: 'no_metadata_columns',
        message:
          'No metadata fields found: add columns named attributes.metadata.<key> or a patch_document column',
      },
    ]);
  });

  it('asks for a span ID column', () => {
    const issues = checkSheetColumns(autoMapColumns(['attributes.metadata.x']).columns);
    expect(issues.map((issue) => issue.code)).toEqual(['no_span_id_column']);
  });

  it('refuses two span ID columns', () => {
    const [spanColumn, ...rest] = autoMapColumns(['span_id', 'patch_document']).columns;
    if (!spanColumn) throw new Error('no column');
    const twice = [spanColumn, ...rest, { ...spanColumn, id: 'c9', name: 'other id' }];
    expect(checkSheetColumns(twice).map((issue) => issue.code)).toEqual(['several_span_id_columns']);
  });
});

describe("the project's keys in the mapping step (issue 12)", () => {
  const projectKeys = ['label', 'reviewed', 'Priority'];

  it('offers a header that names a project key, in any case, as that key, to be confirmed', () => {
    const { columns, allRecognized } = autoMapColumns(
      ['span_id', ' LABEL ', 'priority', 'notes', 'patch_document'],
      'text',
      projectKeys,
    );
    expect(columns.map((column) => column.target)).toEqual([
      { kind: 'span_id' },
      { kind: 'metadata', key: 'label' },
      { kind: 'metadata', key: 'Priority' },
      { kind: 'ignore' },
      { kind: 'patch_document' },
    ]);
    // The mapping step still opens, so the user sees and confirms what the headers were taken for.
    expect(allRecognized).toBe(false);
  });

  it('leaves headers alone without project keys', () => {
    const { columns } = autoMapColumns(['span_id', 'label']);
    expect(columns[1]?.target).toEqual({ kind: 'ignore' });
  });

  it.each([
    ['label', 'label'],
    ['LABEL', 'label'],
    ['attributes.metadata.Label', 'Label'],
    ['Quality score', 'Quality score'],
    ['  ', ''],
  ])('suggests the key %j → %j', (header, key) => {
    expect(suggestedKey(header, projectKeys)).toBe(key);
  });
});

describe('a metadata key and its column header are one thing (issue 12)', () => {
  const metadata: ColumnSettings = {
    id: 'c1',
    name: 'attributes.metadata.key',
    target: { kind: 'metadata', key: 'key' },
    type: 'auto',
    blankPolicy: 'skip',
    origin: 'text',
  };
  const ignored: ColumnSettings = { ...metadata, name: 'notes', target: { kind: 'ignore' } };

  it('renames the key with the header, and gives the header its standard form', () => {
    expect(renameChanges(metadata, 'attributes.metadata.label')).toEqual({
      name: 'attributes.metadata.label',
      target: { kind: 'metadata', key: 'label' },
    });
    expect(renameChanges(metadata, 'label')).toEqual({
      name: 'attributes.metadata.label',
      target: { kind: 'metadata', key: 'label' },
    });
    expect(renameChanges(metadata, 'attributes.metadata.key')).toBeNull();
    expect(renameChanges(metadata, '  ')).toBeNull();
    expect(renameChanges(ignored, 'comments')).toEqual({ name: 'comments' });
  });

  it('renames the header with the key', () => {
    expect(settingsChanges(metadata, { target: { kind: 'metadata', key: 'label' } })).toEqual({
      target: { kind: 'metadata', key: 'label' },
      name: 'attributes.metadata.label',
    });
    expect(settingsChanges(metadata, { type: 'string' })).toEqual({ type: 'string' });
    expect(settingsChanges(ignored, { target: { kind: 'metadata', key: 'notes' } })).toMatchObject({
      name: 'attributes.metadata.notes',
    });
    expect(settingsChanges(metadata, { target: { kind: 'ignore' } })).toEqual({ target: { kind: 'ignore' } });
    expect(settingsChanges(ignored, { target: { kind: 'patch_document' } })).toMatchObject({
      name: 'patch_document',
    });
  });
});

describe('naming a key', () => {
  it.each([
    ['label', null],
    ['  label ', null],
    ['', "Name this column's key."],
    ['   ', "Name this column's key."],
    ['k'.repeat(257), 'A key is at most 256 characters.'],
    ['__proto__', '"__proto__" is reserved and cannot be a key.'],
    ['tab\tkey', 'A key cannot hold a control character such as a tab or a line break.'],
  ])('%j: %j', (key, problem) => {
    expect(keyProblem(key)).toBe(problem);
  });
});
