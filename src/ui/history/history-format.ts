import { ApiRequestError } from '@/client';
import {
  authorWords,
  parseErrorMessage,
  type PatchResponse,
  type SpanError,
  type Submission,
  type SubmissionChange,
} from '@/core/api';
import type { ConnectionSettings } from '@/ui/settings';
import { valueText } from '@/ui/shared/cell-text';
import { countText, formatSubmissionTime } from '@/ui/shared/format';
import { describeRequestError } from '@/ui/shared/request-error';

/** The "before" of a change: the old value, or that the key did not exist on the span. */
export function beforeText(change: SubmissionChange): string {
  return change.existed_before ? valueText(change.before) : 'did not exist';
}

/** The "after" of a change: the new value, or that the change removed the key (a revert of a new key). */
export function afterText(change: SubmissionChange): string {
  return change.removed ? 'removed' : valueText(change.after);
}

/** The first characters of a submission ID, enough to tell submissions apart. */
export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

/** What a submission is called: its label (the file name, "Edited sheet", "Revert of …"), else its ID. */
export function submissionLabel(submission: Pick<Submission, 'id' | 'label'>): string {
  const label = submission.label?.trim() ?? '';
  return label === '' ? `Submission ${shortId(submission.id)}` : label;
}

/** A submission's kind in the user's words. */
export function kindText(kind: Submission['kind']): string {
  return kind === 'revert' ? 'Revert' : 'Patch';
}

/** A submission's totals in one line: sent, updated (of which already up to date), failed, and batches. */
export function totalsText(submission: Submission): string {
  const unchanged =
    submission.spans_unchanged > 0
      ? ` (${submission.spans_unchanged.toLocaleString('en-US')} already up to date)`
      : '';
  return `${submission.spans_processed.toLocaleString('en-US')} sent, ${submission.spans_updated.toLocaleString('en-US')} updated${unchanged}, ${submission.spans_failed.toLocaleString('en-US')} failed, in ${countText(submission.batches, 'batch', 'batches')}`;
}

/** A submission another one links to (reverted by, reverts): its label and start time when known, else its ID. */
export function linkedSubmissionText(
  id: string,
  known: Pick<Submission, 'id' | 'label' | 'created_at'> | undefined,
) {
  return known === undefined
    ? `submission ${shortId(id)}`
    : `${submissionLabel(known)} · ${formatSubmissionTime(known.created_at)}`;
}

/** A span a revert leaves alone because a key the submission changed has changed since. */
export interface RevertConflict {
  spanId: string;
  key: string;
  /** The key's value now, as the server wrote it ("absent" when the key is gone). */
  now: string;
}

/** What a revert (or its dry run) answered, sorted for the dialog: conflicts, spans gone, and anything else. */
export interface RevertSummary {
  /** Spans the submission changed. */
  spans: number;
  /** Spans that go back (or went back). */
  reverted: number;
  conflicts: RevertConflict[];
  /** Spans that no longer exist. */
  gone: string[];
  /** Failures of any other kind. */
  other: SpanError[];
}

const CONFLICT_DETAIL = /^'([\s\S]*)' changed after this submission \(now ([\s\S]*)\)$/;

/**
 * Sorts a revert's answer (SPEC §9): `[revert_conflict] '<key>' changed after this submission (now <value>)`
 * errors into span, key and value now; `[segment_not_found]` into spans gone; the rest as they are.
 */
export function summarizeRevert(response: PatchResponse): RevertSummary {
  const summary: RevertSummary = {
    spans: response.spans_processed,
    reverted: response.spans_updated,
    conflicts: [],
    gone: [],
    other: [],
  };
  for (const error of response.errors) {
    const { type, detail } = parseErrorMessage(error.error_message);
    const conflict = type === 'revert_conflict' ? CONFLICT_DETAIL.exec(detail) : null;
    if (conflict) {
      summary.conflicts.push({ spanId: error.span_id, key: conflict[1] ?? '', now: conflict[2] ?? '' });
    } else if (type === 'segment_not_found') {
      summary.gone.push(error.span_id);
    } else {
      summary.other.push(error);
    }
  }
  return summary;
}

type RequestSettings = Pick<ConnectionSettings, 'serverUrl' | 'apiKey' | 'project'>;

/**
 * Says in plain words why a revert (or its dry run) failed: reverted already, a read-only API key, a submission
 * the server no longer has, or why the server could not be used.
 */
export function describeRevertError(error: unknown, settings: RequestSettings): string {
  if (error instanceof ApiRequestError) {
    if (error.code === 'already_reverted') {
      return 'This submission was reverted already, and a submission can be reverted only once. Refresh History to see its revert.';
    }
    if (error.code === 'read_only_key') {
      return 'The API key in Settings is read-only: it can read History but cannot revert. Enter a key that can write.';
    }
    if (error.status === 404) {
      return 'The server no longer has this submission, or its project was deleted since.';
    }
  }
  return describeRequestError(error, settings);
}

/** A person History can show the submissions of: their subject (what `person=` filters by) and how they read. */
export interface SubmissionPerson {
  subject: string;
  words: string;
}

/**
 * The people who made the submissions listed, each once, in the order they first appear (newest first): those
 * the server recorded with a subject. Keys are left out: the server filters by a person's subject only.
 */
export function peopleOf(
  submissions: readonly Pick<Submission, 'author' | 'key_name'>[],
): SubmissionPerson[] {
  const people = new Map<string, SubmissionPerson>();
  for (const submission of submissions) {
    const { author } = submission;
    if (author?.kind !== 'person' || author.subject === null || people.has(author.subject)) continue;
    people.set(author.subject, { subject: author.subject, words: authorWords(submission) ?? author.name });
  }
  return [...people.values()];
}
