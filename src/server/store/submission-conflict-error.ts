/**
 * Thrown by a store when a request cannot apply to a submission as it stands: a submission ID that belongs to
 * another project or API key, or a revert of a submission that was reverted already. The routes answer 422.
 */
export class SubmissionConflictError extends Error {
  constructor(
    readonly code: 'submission_id_taken' | 'already_reverted',
    message: string,
  ) {
    super(message);
    this.name = 'SubmissionConflictError';
  }
}
