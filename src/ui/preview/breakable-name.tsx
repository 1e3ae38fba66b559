import { Fragment } from 'react';

/**
 * A key or column name that may wrap after its separators (".", "_", "-", "/"), as such names are written:
 * `attributes.metadata.` / `reviewer_` / `note` rather than anywhere inside a word.
 */
export function BreakableName({ text }: { text: string }) {
  const parts = text.split(/(?<=[._\-/])/);
  return (
    <>
      {parts.map((part, index) => (
        <Fragment key={index}>
          {index > 0 && <wbr />}
          {part}
        </Fragment>
      ))}
    </>
  );
}
