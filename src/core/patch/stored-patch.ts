import type { StoredValue } from './stored-form';

/**
 * A span's patch in stored form (SPEC §3–§6): each top-level key with its value as the store keeps it. The sheet
 * makes it, the client sends it, the server's planner applies it, and both stores write what it makes: a span's
 * metadata has the same form (the patch of every key it holds).
 */
export type StoredPatch = Record<string, StoredValue>;

/**
 * A span with its patch in stored form, as a submission lists it. Its fields are named as the wire names them, so
 * the client sends it as it is; only the route reads a sent one back (`prepareSubmittedSpan`).
 */
export interface StoredSpanPatch {
  span_id: string;
  patch_document: StoredPatch;
}
