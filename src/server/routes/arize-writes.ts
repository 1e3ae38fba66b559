import { randomUUID } from 'node:crypto';
import {
  formatErrorMessage,
  MAX_SPANS_PER_REQUEST,
  type PatchResponse,
  type ProjectTarget,
  type RevertResponse,
  type SpanError,
} from '@/core/api';
import { revertPatchDocument, type StoredPatch } from '@/core/patch';
import type { ArizeFailure, SpanMetadataPatch } from '@/server/arize';
import { changesToRevert, planRevert } from '@/server/patch/plan-revert';
import {
  type PatchOutcome,
  type PatchSubmission,
  type SpanStore,
  type StoredProject,
  UnknownProjectError,
} from '@/server/store';
import type { ArizeLink } from './route-deps';

/** Where a project writes (SPEC §14): the Arize project it is linked to, or Spanpatch's own store. */
export function targetOf(arize: ArizeLink | null, project: string): ProjectTarget {
  const linked = arize?.config.links.get(project);
  if (arize === null || linked === undefined) return { kind: 'local' };
  return { kind: 'arize', space_id: arize.config.spaceId, project: linked };
}

/**
 * The projects with their targets: every stored project, and every linked project even before it holds a span (or
 * could be created in the store).
 */
export function projectsWithTargets(stored: readonly StoredProject[], arize: ArizeLink | null) {
  const projects = stored.map((project) => ({ ...project, target: targetOf(arize, project.name) }));
  const names = new Set(stored.map((project) => project.name));
  for (const name of arize?.config.links.keys() ?? []) {
    if (!names.has(name)) projects.push({ name, spans: 0, target: targetOf(arize, name) });
  }
  return projects;
}

/** Runs a read or write of a linked project, creating the project in the store when it is not there yet. */
async function withLinkedProject<T>(store: SpanStore, project: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof UnknownProjectError)) throw error;
    await store.ingestSpans(project, []);
    return run();
  }
}

/**
 * A batch of a linked project (SPEC §14): a retry whose first answer was recorded gets that answer and sends
 * nothing; otherwise the spans the server could prepare go to Arize in one DoPut, and its answer is recorded
 * (the spans it updated change in Spanpatch's copy where it holds them). When Arize gives no usable answer, every
 * span sent fails with `[connection_failure]` and nothing is recorded, so a Retry sends them again.
 */
export async function patchInArize(
  store: SpanStore,
  arize: ArizeLink,
  arizeProject: string,
  submission: PatchSubmission,
  signal: AbortSignal,
): Promise<PatchOutcome & { failure: ArizeFailure | null }> {
  const replayed = await withLinkedProject(store, submission.project, () => store.findReplay(submission));
  if (replayed) return { response: replayed, replayed: true, failure: null };
  const sent: SpanMetadataPatch[] = [];
  for (const span of submission.spans) {
    if (span.patch.ok) sent.push({ span_id: span.spanId, patch_document: span.patch.stored });
  }
  const result = await arize.client.writeSpanMetadata({ arizeProject, spans: sent }, { signal });
  if (!result.ok) {
    const message = formatErrorMessage('connection_failure', result.failure.reason);
    const errors: SpanError[] = submission.spans.map((span) => ({
      span_id: span.spanId,
      error_message: span.patch.ok ? message : span.patch.errorMessage,
    }));
    const response: PatchResponse = {
      spans_processed: submission.spans.length,
      spans_updated: 0,
      spans_unchanged: 0,
      spans_failed: submission.spans.length,
      errors,
      submission_id: submission.submission?.id ?? randomUUID(),
    };
    return { response, replayed: false, failure: result.failure };
  }
  const outcome = await store.applyPatches({ ...submission, decided: { errors: result.response.errors } });
  return { ...outcome, failure: null };
}

/** Every change of a submission, read a page at a time. */
async function allChanges(store: SpanStore, submissionId: string) {
  const changes = [];
  let after: number | null = null;
  for (;;) {
    const page = await store.listSubmissionChanges(submissionId, { limit: 10_000, after, search: null });
    if (!page) return null;
    changes.push(...page.rows);
    if (page.next === null) return changes;
    after = page.next;
  }
}

/**
 * The revert of a linked project's submission (SPEC §14): plans it on Spanpatch's copy, sends each span's *before*
 * values to Arize (a key the submission added becomes null there: Arize cannot remove a key), and records the
 * revert as Arize decided it. When Arize gives no usable answer for a batch, nothing is recorded and every span
 * fails with `[connection_failure]`: reverting again sends the same values again.
 */
export async function revertInArize(
  store: SpanStore,
  arize: ArizeLink,
  arizeProject: string,
  request: { submissionId: string; project: string; keyName: string | null; signal: AbortSignal },
): Promise<{ response: RevertResponse | null; failure: ArizeFailure | null }> {
  // The dry run checks that the submission exists and was not reverted already.
  const dryRun = await store.revertSubmission({
    submissionId: request.submissionId,
    dryRun: true,
    keyName: request.keyName,
    arize: { decided: null },
  });
  if (!dryRun) return { response: null, failure: null };
  const changes = await allChanges(store, request.submissionId);
  if (!changes) return { response: null, failure: null };
  const toRevert = changesToRevert(changes);
  const lookup = await store.lookupSpans(request.project, [
    ...new Set(toRevert.map((change) => change.spanId)),
  ]);
  const current = new Map<string, StoredPatch>(
    lookup.spans.map((span) => [span.span_id, span.metadata as StoredPatch]),
  );
  const plan = planRevert(request.project, toRevert, current, { keepKeys: true });
  const spans = plan.writes.map((write) => ({
    span_id: write.spanId,
    patch_document: revertPatchDocument(write.changes),
  }));
  const errors: SpanError[] = [];
  for (let start = 0; start < spans.length; start += MAX_SPANS_PER_REQUEST) {
    const batch = spans.slice(start, start + MAX_SPANS_PER_REQUEST);
    const result = await arize.client.writeSpanMetadata(
      { arizeProject, spans: batch },
      { signal: request.signal },
    );
    if (!result.ok) {
      const message = formatErrorMessage('connection_failure', result.failure.reason);
      return {
        response: {
          spans_processed: plan.spansProcessed,
          spans_updated: 0,
          spans_unchanged: 0,
          spans_failed: plan.spansProcessed,
          errors: [
            ...plan.errors,
            ...spans.map((span) => ({ span_id: span.span_id, error_message: message })),
          ],
          submission_id: '',
        },
        failure: result.failure,
      };
    }
    errors.push(...result.response.errors);
  }
  const response = await store.revertSubmission({
    submissionId: request.submissionId,
    dryRun: false,
    keyName: request.keyName,
    arize: { decided: { sentSpanIds: spans.map((span) => span.span_id), errors } },
  });
  return { response, failure: null };
}
