import {
  apiRoutes,
  type RevertResponse,
  type SubmissionChangesPage,
  type SubmissionDetail,
  type SubmissionErrorsPage,
  type SubmissionsResponse,
} from '@/core/api';
import { apiRequest, type ClientOptions } from './api-request';

/** A page of submissions, newest first, of one project or of all; pass `next_cursor` back as `cursor`. */
export function listSubmissions(
  /** `person`: only the submissions of this person (their subject at the identity provider). */
  query: { project?: string; person?: string; limit?: number; cursor?: string | null } = {},
  options: ClientOptions = {},
): Promise<SubmissionsResponse> {
  return apiRequest(apiRoutes.listSubmissions, { params: {}, query }, options);
}

/** Fetches one submission: label, kind, revert links, key name, start and end, and totals. */
export function getSubmission(id: string, options: ClientOptions = {}): Promise<SubmissionDetail> {
  return apiRequest(apiRoutes.getSubmission, { params: { id } }, options);
}

/** What to read of a submission's changes or errors: a page size, where to go on from, and a search. */
export type SubmissionPageQuery = {
  limit?: number;
  cursor?: string | null;
  /** The start of a span ID, or part of a key (changes) or of a message (errors). */
  q?: string;
};

/** A page of a submission's changes: each key's value before and after, oldest first. */
export function listSubmissionChanges(
  id: string,
  query: SubmissionPageQuery = {},
  options: ClientOptions = {},
): Promise<SubmissionChangesPage> {
  return apiRequest(apiRoutes.listSubmissionChanges, { params: { id }, query }, options);
}

/** A page of a submission's per-span errors, in the order they happened. */
export function listSubmissionErrors(
  id: string,
  query: SubmissionPageQuery = {},
  options: ClientOptions = {},
): Promise<SubmissionErrorsPage> {
  return apiRequest(apiRoutes.listSubmissionErrors, { params: { id }, query }, options);
}

/**
 * Reverts a submission (SPEC §9), or with `dryRun` answers what the revert would do without writing anything.
 * The revert is itself a submission; its ID is the answer's `submission_id` (empty on a dry run).
 */
export function revertSubmission(
  id: string,
  { dryRun = false }: { dryRun?: boolean } = {},
  options: ClientOptions = {},
): Promise<RevertResponse> {
  return apiRequest(apiRoutes.revertSubmission, { params: { id }, body: { dry_run: dryRun } }, options);
}
