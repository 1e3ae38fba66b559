import { useId } from 'react';
import { draftAsJson } from '@/core/draft';
import type { UnrestoredDraft } from './autosave';

/** The file name a draft set aside is downloaded as: `spanpatch-draft-2025-03-04T10-00-05.json`. */
export function unrestoredDraftFileName(draft: Pick<UnrestoredDraft, 'keptAt'>): string {
  const stamp = draft.keptAt.replace(/\.\d+Z$/, '').replace(/[^0-9A-Za-z-]/g, '-');
  return `spanpatch-draft-${stamp || 'unknown'}.json`;
}

/** Offers the draft, as it was stored, as a JSON file to download. */
function downloadDraft(draft: UnrestoredDraft): void {
  const url = URL.createObjectURL(new Blob([draftAsJson(draft.raw)], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = unrestoredDraftFileName(draft);
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * Says that the saved sheet could not be restored and why, and offers the draft as it was for download. The draft
 * stays in the browser until the user discards it here; autosave never writes over it.
 */
export function RestoreFailedNotice({
  drafts,
  onDiscard,
}: {
  drafts: readonly UnrestoredDraft[];
  onDiscard: (key: string) => void;
}) {
  const titleId = useId();
  const draft = drafts[0];
  if (!draft) return null;
  const others = drafts.length - 1;
  return (
    <div role="alert" className="banner banner-error" aria-labelledby={titleId}>
      <p>
        <strong id={titleId}>Your saved sheet could not be restored.</strong> {draft.reason} It is kept in
        this browser as it was, so you can download it.
        {others > 0 &&
          ` ${others === 1 ? 'One more draft' : `${others} more drafts`} could not be restored either.`}
      </p>
      <button type="button" onClick={() => downloadDraft(draft)}>
        Download the draft (JSON)
      </button>
      <button type="button" className="danger" onClick={() => onDiscard(draft.key)}>
        Discard the draft
      </button>
    </div>
  );
}
