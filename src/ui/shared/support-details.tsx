/**
 * The codes behind the words (`bool_to_string`, `[type_conflict] … stored Int64, patch has Utf8`) stay within
 * reach for whoever supports the user: in a collapsed "Details for support" line, or in a cell's tooltip, never
 * in the text itself.
 */

/** A tooltip that keeps a code or the original message: "Details for support: type_conflict". */
export function supportDetailsText(original: string): string {
  return `Details for support: ${original}`;
}

/** A collapsed "Details for support" line listing codes and original messages; nothing when there are none. */
export function SupportDetails({ lines }: { lines: readonly string[] }) {
  if (lines.length === 0) return null;
  return (
    <details className="support-details">
      <summary>Details for support</summary>
      <ul>
        {lines.map((line, index) => (
          <li key={`${index}-${line}`}>
            <code>{line}</code>
          </li>
        ))}
      </ul>
    </details>
  );
}
