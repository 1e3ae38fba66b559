/** Why a request cannot apply to a submission as it stands. */
export type SubmissionConflictCode = 'submission_id_taken' | 'already_reverted' | 'submission_reverted';

/**
 * Thrown by a store when a request cannot apply to a submission as it stands: a submission ID that belongs to
 * another project or API key, a revert of a submission that was reverted already (both 422), or a batch of a
 * submission reverted while it was still sending (409, SPEC §9). Nothing of the request was applied.
 */
export class SubmissionConflictError extends Error {
  constructor(
    readonly code: SubmissionConflictCode,
    message: string,
  ) {
    super(message);
    this.name = 'SubmissionConflictError';
  }

  /** The HTTP status the routes answer with. */
  get status(): 409 | 422 {
    return this.code === 'submission_reverted' ? 409 : 422;
  }
}
