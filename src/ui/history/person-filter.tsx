import { useId } from 'react';
import type { SubmissionPerson } from './history-format';

/** The value of "Everyone" in the person filter: no subject is empty. */
const EVERYONE = '';

/**
 * History's "Made by" filter (SPEC §16): everyone's submissions, or one person's, chosen among the people who made
 * the submissions listed. The person chosen stays a choice while their submissions show, also when the list of
 * everyone's no longer holds them.
 */
export function PersonFilter({
  people,
  person,
  onChange,
}: {
  people: readonly SubmissionPerson[];
  person: SubmissionPerson | null;
  onChange: (person: SubmissionPerson | null) => void;
}) {
  const id = useId();
  const choices =
    person === null || people.some((entry) => entry.subject === person.subject)
      ? people
      : [person, ...people];
  return (
    <span className="history-person">
      <label htmlFor={id}>Made by</label>
      <select
        id={id}
        value={person?.subject ?? EVERYONE}
        onChange={(event) => {
          const subject = event.target.value;
          onChange(choices.find((entry) => entry.subject === subject) ?? null);
        }}
      >
        <option value={EVERYONE}>Everyone</option>
        {choices.map((entry) => (
          <option key={entry.subject} value={entry.subject}>
            {entry.words}
          </option>
        ))}
      </select>
    </span>
  );
}
