import { lookupSpans, querySpans } from '@/client';
import { MAX_QUERY_SPANS, MAX_SPANS_PER_REQUEST } from '@/core/api';
import type { StoredPatch } from '@/core/patch';
import { appendSheetEdits, type SheetModel, type SpanForSheet, type SpansSheet } from '@/core/sheet';
import { type ConnectionSettings, toClientOptions } from '@/ui/settings';
import type { SheetStore } from '@/ui/sheet';
import type { SpanLabel } from './spans-store';

/** How far reading the spans has got: requests answered of those to make. */
export interface ReadProgress {
  done: number;
  total: number;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const parts: T[][] = [];
  for (let start = 0; start < items.length; start += size) parts.push(items.slice(start, start + size));
  return parts;
}

/**
 * Reads what a sheet needs of the selected spans: their current metadata (looked up 10,000 at a time, only when
 * keys are brought as columns) and the name and kind of those the table never listed (found by ID, 1,000 at a
 * time). A span the server no longer has gets null metadata.
 */
export async function readSpansForSheet({
  spanIds,
  withMetadata,
  labelOf,
  settings,
  signal,
  onProgress,
}: {
  spanIds: readonly string[];
  withMetadata: boolean;
  labelOf: (spanId: string) => SpanLabel | undefined;
  settings: Pick<ConnectionSettings, 'serverUrl' | 'apiKey' | 'project'>;
  signal: AbortSignal;
  onProgress: (progress: ReadProgress) => void;
}): Promise<SpanForSheet[]> {
  const { project } = settings;
  const options = { ...toClientOptions(settings), signal };
  const labels = new Map<string, SpanLabel>();
  const unlabelled: string[] = [];
  for (const spanId of spanIds) {
    const label = labelOf(spanId);
    if (label) labels.set(spanId, label);
    else unlabelled.push(spanId);
  }
  const metadataParts = withMetadata ? chunks(spanIds, MAX_SPANS_PER_REQUEST) : [];
  const labelParts = chunks(unlabelled, MAX_QUERY_SPANS);
  const progress: ReadProgress = { done: 0, total: metadataParts.length + labelParts.length };
  onProgress({ ...progress });

  const metadata = new Map<string, Readonly<StoredPatch>>();
  for (const part of metadataParts) {
    const found = await lookupSpans(project, part, options);
    for (const span of found.spans) metadata.set(span.span_id, span.metadata);
    progress.done++;
    onProgress({ ...progress });
  }
  for (const part of labelParts) {
    const page = await querySpans(project, { filter: { span_ids: part }, limit: MAX_QUERY_SPANS }, options);
    for (const span of page.spans) labels.set(span.span_id, { name: span.name, kind: span.kind });
    progress.done++;
    onProgress({ ...progress });
  }

  return spanIds.map((spanId) => ({
    span_id: spanId,
    name: labels.get(spanId)?.name ?? null,
    kind: labels.get(spanId)?.kind ?? null,
    metadata: withMetadata ? (metadata.get(spanId) ?? null) : {},
  }));
}

/**
 * True when every row is blank as the sheet counts it: nothing in a mapped column (an ignored column may hold
 * values). Adding spans may then take the sheet's place.
 */
export function everyRowBlank(model: SheetModel): boolean {
  return model.summary().blankRows === model.rowCount;
}

/** Appends rows to the sheet as one step of undo (the store refuses edits while a submission runs). */
export function appendToSheet(sheet: SheetStore, built: SpansSheet, label: string): void {
  sheet.applyAll(appendSheetEdits(sheet.model, built), label);
}
