import { getFields, listProjects, lookupSpans } from '@/client';
import { type LookupResponse, MAX_SPANS_PER_REQUEST } from '@/core/api';
import {
  isSubmittable,
  predictSubmission,
  type SpanPrediction,
  type SpanResult,
  type StoredType,
  upToDateSpanIds,
} from '@/core/patch';
import type { SheetModel } from '@/core/sheet';
import { NOT_IN_COPY_TEXT } from '@/core/words';
import { type Connection, requestProblem } from './connection';
import { count, countOf, rowsText } from './format';
import type { Paint } from './terminal';

/** The sheet against the server, as the app's Preview compares them. */
export interface ServerComparison {
  project: string;
  /** Spans that would be sent, looked up. */
  compared: number;
  /** Of those, spans the project does not have. */
  missing: number;
  predictions: Map<string, SpanPrediction>;
  /** Spans whose every key the server already stores as asked: a submission leaves them out. */
  upToDate: ReadonlySet<string>;
}

/** The spans a submit sends (`isSubmittable`), each with its merged patch: what the server is compared with. */
export function sendableSpans(model: SheetModel): SpanResult[] {
  const sheetBlocked = model.sheetIssues.length > 0;
  return model.spans().filter((span) => isSubmittable(span.status, sheetBlocked));
}

/** Span IDs per lookup request (the most the server takes), and lookup requests in flight at once. */
const LOOKUP_SPANS = MAX_SPANS_PER_REQUEST;
const LOOKUP_CONCURRENCY = 3;

/**
 * The current metadata of every span, a request of 10,000 at a time, a few at once.
 * NOTE: the client's `lookupSpans` asks one request after the other; a hundred thousand spans are looked up in
 * a third of the time this way, which a submit waits for before it sends anything.
 */
async function lookupAll(
  project: string,
  spans: readonly SpanResult[],
  connection: Connection,
): Promise<LookupResponse> {
  const parts: LookupResponse[] = [];
  let next = 0;
  const worker = async () => {
    for (let index = next++; index * LOOKUP_SPANS < spans.length; index = next++) {
      const chunk = spans.slice(index * LOOKUP_SPANS, (index + 1) * LOOKUP_SPANS).map((span) => span.spanId);
      parts[index] = await lookupSpans(project, chunk, connection);
    }
  };
  await Promise.all(Array.from({ length: LOOKUP_CONCURRENCY }, worker));
  return {
    spans: parts.flatMap((part) => part.spans),
    missing: parts.flatMap((part) => part.missing),
  };
}

/**
 * Looks up the spans a submission would send and the project's field types, and predicts each span's outcome
 * with the server's own rules (`predictSubmission`), as the app's Preview does. A server that cannot be asked
 * stops the command (`requestProblem`).
 */
export async function compareWithServer(
  spans: readonly SpanResult[],
  project: string,
  connection: Connection,
): Promise<ServerComparison> {
  let answers: [
    Awaited<ReturnType<typeof getFields>>,
    LookupResponse,
    Awaited<ReturnType<typeof listProjects>>,
  ];
  try {
    answers = await Promise.all([
      getFields(project, connection),
      lookupAll(project, spans, connection),
      listProjects(connection),
    ]);
  } catch (error) {
    throw requestProblem(error, connection, `Comparing with project ${project}`);
  }
  const [fields, lookup, projects] = answers;
  const linked = projects.projects.find((listed) => listed.name === project)?.target.kind === 'arize';
  const predictions = predictSubmission(spans, {
    project,
    fields: new Map<string, StoredType | null>(fields.fields.map((field) => [field.key, field.type])),
    spans: new Map(lookup.spans.map((span) => [span.span_id, span.metadata])),
    linked,
  });
  return {
    project,
    compared: spans.length,
    missing: lookup.missing.length,
    predictions,
    upToDate: upToDateSpanIds(predictions),
  };
}

/** How many predicted failures are listed one by one before "… and N more". */
const LISTED_PREDICTIONS = 50;

/** The comparison in words: spans found, predicted failures by type and one by one, up to date, to send. */
export function comparisonLines(
  comparison: ServerComparison,
  model: SheetModel,
  server: string,
  paint: Paint,
): string[] {
  const failures = [...comparison.predictions].filter(([, prediction]) => prediction.failure !== null);
  const byType = new Map<string, number>();
  for (const [, prediction] of failures) {
    const type = prediction.failure?.type ?? '';
    byType.set(type, (byType.get(type) ?? 0) + 1);
  }
  const toSend = comparison.compared - comparison.upToDate.size;
  const notInCopy = [...comparison.predictions.values()].filter((prediction) => prediction.notInCopy).length;
  const lines = [
    '',
    `${paint('bold', `Compared with project ${comparison.project}`)} at ${server}: ` +
      `${countOf(comparison.compared, 'span')} that can be sent, ${count(comparison.compared - comparison.missing)} found ${notInCopy > 0 ? "in Spanpatch's copy" : 'on the server'}`,
    `  ${paint(failures.length > 0 ? 'red' : 'dim', `Predicted to fail: ${count(failures.length)}`)}` +
      (byType.size > 0 ? ` (${[...byType].map(([type, n]) => `${type} ${count(n)}`).join(', ')})` : ''),
    `  Already up to date (left out of a submit): ${count(comparison.upToDate.size)}`,
    ...(notInCopy > 0 ? [`  ${NOT_IN_COPY_TEXT}: ${countOf(notInCopy, 'span')}`] : []),
    `  To send: ${countOf(toSend, 'span')}`,
  ];
  for (const [spanId, prediction] of failures.slice(0, LISTED_PREDICTIONS)) {
    const rows = rowsText(model.spanRowNumbers(spanId));
    lines.push(
      `  ${paint('red', 'predicted')} ${spanId} (${rows}): [${prediction.failure?.type}] ${prediction.failure?.message}`,
    );
  }
  if (failures.length > LISTED_PREDICTIONS) {
    lines.push(
      paint('dim', `  … and ${count(failures.length - LISTED_PREDICTIONS)} more predicted failures`),
    );
  }
  lines.push(
    paint(
      'dim',
      "  Predictions use the server's rules on its current values; the server decides when the spans are sent.",
    ),
  );
  return lines;
}
