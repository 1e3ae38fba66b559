import type { ImportResult } from '@/core/import';

/** How far the import worker has read a file. */
export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  rows: number;
}

/** What the import worker tells the page. */
export type ImportWorkerMessage =
  | ({ type: 'progress' } & ImportProgress)
  | { type: 'done'; result: ImportResult }
  | { type: 'failed'; message: string };
