import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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
