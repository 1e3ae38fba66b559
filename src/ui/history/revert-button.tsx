import { useId } from 'react';
import type { Submission } from '@/core/api';

/** Why a reverted submission's Revert does nothing: said to whoever reaches the button, by keyboard too. */
export const REVERTED_ALREADY = 'Reverted already: a submission is reverted once.';

/**
 * A submission's Revert. Once the submission is reverted it stays focusable but does nothing (`aria-disabled`,
 * not `disabled`, which the keyboard cannot reach), and says why as its description and its tooltip.
 */
export function RevertButton({
  submission,
  describedBy,
  onRevert,
}: {
  submission: Submission;
  /** What names the submission, to describe the button with. */
  describedBy: string;
  onRevert: () => void;
}) {
  const reasonId = useId();
  const reverted = submission.reverted_by !== null;
  return (
    <>
      <button
        type="button"
        className="revert-button"
        aria-describedby={reverted ? `${describedBy} ${reasonId}` : describedBy}
        aria-disabled={reverted || undefined}
        title={reverted ? REVERTED_ALREADY : undefined}
        onClick={() => {
          if (!reverted) onRevert();
        }}
      >
        Revert
      </button>
      {reverted && (
        <span id={reasonId} className="visually-hidden">
          {REVERTED_ALREADY}
        </span>
      )}
    </>
  );
}
