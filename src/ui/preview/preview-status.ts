import type { Issue } from '@/core/issues';
import type { SpanResult, SpanStatus } from '@/core/patch';
import type { SheetModel } from '@/core/sheet';

/** A span's status in the Preview: the sheet's, or up to date when the server already has what it asks. */
export type PreviewStatus = SpanStatus | 'uptodate';

/** A span card's badge: its status, or that the server is expected to refuse it (never "With warnings"). */
export type Badge = PreviewStatus | 'predicted';

export const statusLabels: Record<Badge, string> = {
  ready: 'Ready',
  warnings: 'With warnings',
  blocked: 'Blocked',
  empty: 'Nothing to change',
  uptodate: 'Already up to date',
  predicted: 'Predicted to fail',
};

/** Every issue of a span: its rows' issues and its own. */
export function spanIssues(model: SheetModel, span: SpanResult): Issue[] {
  return [...span.rows.flatMap((row) => model.rowResult(row - 1).issues), ...span.issues];
}
