import type { SheetSource } from '@/ui/sheet';

/** The label of a submission made from a sheet typed or pasted in the app (SPEC §9). */
export const EDITED_SHEET_LABEL = 'Edited sheet';

/** Longest label the server takes (SPEC §9, `submission.label`). */
const MAX_LABEL_LENGTH = 500;

/**
 * The label a Submit sends with its submission, which History and Results show: the file the sheet came from
 * (an import, a sample, or the failed rows of one) or the spans picked in the Spans tab, else "Edited sheet".
 */
export function submissionLabel(source: SheetSource): string {
  const named =
    source.kind === 'file' ||
    source.kind === 'sample' ||
    source.kind === 'failed-rows' ||
    source.kind === 'spans';
  const label = named && source.name.trim() !== '' ? source.name.trim() : EDITED_SHEET_LABEL;
  return label.slice(0, MAX_LABEL_LENGTH);
}
