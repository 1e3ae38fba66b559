import type { Submission } from '@/core/api';
import { linkedSubmissionText } from './history-format';

/**
 * A link to another submission (the revert that undid this one, or the one a revert undoes) that opens it in
 * the detail: its label and start time when the list has it, else its ID.
 */
export function SubmissionLink({
  id,
  known,
  onOpen,
}: {
  id: string;
  known: ReadonlyMap<string, Submission>;
  onOpen: (id: string) => void;
}) {
  return (
    <a
      href={`#submission-${encodeURIComponent(id)}`}
      className="history-link"
      onClick={(event) => {
        event.preventDefault();
        onOpen(id);
      }}
    >
      {linkedSubmissionText(id, known.get(id))}
    </a>
  );
}
