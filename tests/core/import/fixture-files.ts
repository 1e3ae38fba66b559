import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ImportResult } from '@/core/import';

/** The bytes of a file in tests/fixtures/import (a copy, not a pooled Node Buffer). */
export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(
    readFileSync(fileURLToPath(new URL(`../../fixtures/import/${name}`, import.meta.url))),
  );
}

/** The text of a fixture as written, byte order mark included. */
export function fixtureText(name: string): string {
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(fixtureBytes(name));
}

/** The table of a result that should have one; fails the test with the error otherwise. */
export function table(result: ImportResult) {
  if (!result.ok) throw new Error(`expected a table, got ${result.error.code}: ${result.error.message}`);
  return result.table;
}

/** The error of a result that should have failed. */
export function failure(result: ImportResult) {
  if (result.ok) throw new Error('expected an error, got a table');
  return result.error;
}
