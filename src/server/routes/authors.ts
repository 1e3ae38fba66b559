import { authorOfSubmission, type SpanDetail, type Submission } from '@/core/api';
import type { AccessStore, SpanStore } from '@/server/store';

/**
 * Who made each submission (SPEC §16): the person recorded when they sent it, else its submitter (a service key by
 * name). Adds `author` to each on a server with sign-in; NOTE: a server without it answers as before, its
 * `key_name` saying who (`authorWords` reads either).
 */
export async function withAuthors(
  access: AccessStore | null,
  submissions: readonly Submission[],
): Promise<Submission[]> {
  if (access === null) return [...submissions];
  const recorded = await access.authorsOf(submissions.map((s) => s.id));
  return submissions.map((submission) => ({
    ...submission,
    author: authorOfSubmission(submission.key_name, recorded.get(submission.id)),
  }));
}

/** A span's changes, each with who made it: the author of its submission. */
export async function changesWithAuthors(
  store: SpanStore,
  access: AccessStore | null,
  detail: SpanDetail,
): Promise<SpanDetail> {
  if (access === null) return detail;
  const ids = [...new Set(detail.changes.map((change) => change.submission_id))];
  const submissions: Submission[] = [];
  for (const id of ids) {
    const submission = await store.getSubmission(id);
    if (submission !== null) submissions.push(submission);
  }
  const authors = new Map((await withAuthors(access, submissions)).map((s) => [s.id, s.author]));
  return {
    ...detail,
    changes: detail.changes.map((change) => ({
      ...change,
      author: authors.get(change.submission_id) ?? null,
    })),
  };
}
