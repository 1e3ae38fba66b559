import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingSpan } from '@/server/patch/plan-ingest';
import { openSqliteStore } from '@/server/store';
import { SCHEMA_VERSION } from '@/server/store/sqlite/sqlite-migrations';
import { spanId } from './test-server';

// A SQLite file written before names were searched in their search form (src/core/text/search-text.ts): the schema
// before the current one.

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spanpatch-search-upgrade-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function span(n: number, name: string): IncomingSpan {
  return {
    spanId: spanId(n),
    traceId: '1'.repeat(32),
    parentSpanId: null,
    name,
    kind: 'LLM',
    startTime: new Date(Date.UTC(2025, 0, 1) + n * 1000).toISOString(),
    endTime: null,
    metadata: '{}',
  };
}

/**
 * Turns a current file back into the schema before: names indexed as they are, no search form (and none of the
 * migrations after that one: the trace index by start time, a span's input, output and attributes).
 */
function asSchemaBefore(path: string): void {
  const db = new Database(path);
  db.exec(`
    ALTER TABLE spans DROP COLUMN input_value;
    ALTER TABLE spans DROP COLUMN output_value;
    ALTER TABLE spans DROP COLUMN input_preview;
    ALTER TABLE spans DROP COLUMN attributes;
    DROP INDEX spans_by_trace_time;
    CREATE INDEX spans_by_trace ON spans (project_id, trace_id);
    DROP TRIGGER span_names_insert;
    DROP TRIGGER span_names_delete;
    DROP TABLE span_names;
    ALTER TABLE spans DROP COLUMN search_name;
    CREATE VIRTUAL TABLE span_names USING fts5 (name, content = 'spans', content_rowid = 'id', tokenize = 'trigram');
    INSERT INTO span_names (span_names) VALUES ('rebuild');
    CREATE TRIGGER span_names_insert AFTER INSERT ON spans BEGIN
      INSERT INTO span_names (rowid, name) VALUES (new.id, new.name);
    END;
    CREATE TRIGGER span_names_delete AFTER DELETE ON spans BEGIN
      INSERT INTO span_names (span_names, rowid, name) VALUES ('delete', old.id, old.name);
    END;
  `);
  db.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION - 4);
  db.close();
}

describe('upgrading a SQLite file to names searched in their search form', () => {
  it('fills in the search form of every name it holds, so old spans are found as new ones are', async () => {
    const path = join(dir, 'spans.db');
    const store = openSqliteStore(path);
    await store.ingestSpans('p', [span(1, 'ÉCOLE normale'), span(2, 'Straße'), span(3, 'plain')]);
    await store.close();
    asSchemaBefore(path);

    const upgraded = openSqliteStore(path);
    try {
      await upgraded.ingestSpans('p', [span(4, 'école du soir')]);
      const find = async (text: string) =>
        (
          await upgraded.searchSpans('p', {
            filter: { text },
            limit: 10,
            after: null,
            count: false,
            idsOnly: true,
          })
        ).spanIds;
      expect(await find('école')).toEqual([spanId(4), spanId(1)]);
      expect(await find('É')).toEqual([spanId(4), spanId(1)]);
      expect(await find('STRASSE')).toEqual([spanId(2)]);
      // A deleted project leaves nothing behind in the index.
      expect(await upgraded.deleteProject('p')).toBe(true);
      await upgraded.ingestSpans('q', [span(5, 'École')]);
      expect(
        (
          await upgraded.searchSpans('q', {
            filter: { text: 'école' },
            limit: 10,
            after: null,
            count: true,
            idsOnly: true,
          })
        ).total,
      ).toBe(1);
    } finally {
      await upgraded.close();
    }
  });
});
