/** Writes cells as tab-separated text, quoting cells that hold tabs, newlines or quotes. */
export function formatClipboardTable(rows: readonly (readonly string[])[]): string {
  return rows
    .map((row) =>
      row.map((cell) => (/[\t\n"]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join('\t'),
    )
    .join('\n');
}
