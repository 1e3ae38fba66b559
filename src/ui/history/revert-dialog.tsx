import { useEffect, useId, useMemo, useRef } from 'react';
import { type PatchResponse, type Submission, whyNotAllowed } from '@/core/api';
import { type ConnectionSettings, useIdentity } from '@/ui/settings';
import { countText, formatSubmissionTime } from '@/ui/shared/format';
import { Modal } from '@/ui/shared/modal';
import { DataTable, type DataTableColumn } from '@/ui/shared/data-table';
import { useRevertPlan, useRevertSubmission } from './api/revert-submission';
import {
  describeRevertError,
  type RevertConflict,
  type RevertSummary,
  submissionLabel,
  summarizeRevert,
} from './history-format';
import { spanErrorColumns } from './span-error-columns';

const conflictColumns: DataTableColumn<RevertConflict>[] = [
  {
    id: 'span',
    header: 'Span ID',
    width: 190,
    cell: (conflict) => <code>{conflict.spanId}</code>,
    title: (conflict) => conflict.spanId,
  },
  {
    id: 'key',
    header: 'Key',
    width: 160,
    cell: (conflict) => <code>{conflict.key}</code>,
    title: (conflict) => conflict.key,
  },
  {
    id: 'now',
    header: 'Value now',
    width: 200,
    grow: true,
    cell: (conflict) => <code>{conflict.now}</code>,
    title: (conflict) => conflict.now,
  },
];

/** A span gone, as a row of the table (a table's rows are objects). */
interface GoneSpan {
  spanId: string;
}

const goneColumns: DataTableColumn<GoneSpan>[] = [
  { id: 'span', header: 'Span ID', width: 240, grow: true, cell: (gone) => <code>{gone.spanId}</code> },
];

const otherColumns = spanErrorColumns({ type: 160, message: 260 });

/**
 * The "Revert submission" dialog (SPEC §9): it first runs the revert as a dry run and shows what it would do
 * (spans that go back, spans changed since with their value now, spans gone), then reverts on "Revert N spans"
 * and shows the revert's own result. `onChanged` is called when a revert ends, with the revert's submission ID
 * (null when it failed: it may still have been written, if only the answer was lost). With a read-only key the dry
 * run still shows what a revert would do, and "Revert N spans" is disabled with the reason in a note beside it.
 */
export function RevertDialog({
  submission,
  settings,
  onChanged,
  onClose,
}: {
  submission: Submission;
  settings: ConnectionSettings;
  onChanged: (revertId: string | null) => void;
  onClose: () => void;
}) {
  const dryRun = useRevertPlan(settings, submission.id);
  const reverting = useRevertSubmission(settings);
  const run = runOf(reverting);
  const notAllowed = whyNotAllowed(useIdentity(settings), 'revert', submission.author);
  const reasonId = useId();
  const closeRef = useRef<HTMLButtonElement>(null);
  // NOTE: the button that started the revert is disabled while it runs, which drops the focus; take it back.
  useEffect(() => {
    if (run.status === 'done' || run.status === 'failed') closeRef.current?.focus();
  }, [run.status]);

  const revert = () =>
    reverting.mutate(submission.id, {
      onSuccess: (result) => onChanged(result.submission_id),
      onError: () => onChanged(null),
    });

  const label = submissionLabel(submission);
  // While the dry run is asked again ("Check again"), the plan it answered before is not shown.
  const checking = dryRun.isFetching;
  const plan = dryRun.isSuccess && !checking ? summarizeRevert(dryRun.data) : null;
  const checkFailed = dryRun.isError && !checking;
  const toRevert = plan?.reverted ?? 0;

  return (
    <Modal title="Revert submission" onClose={onClose} className="revert-dialog">
      <p className="revert-intro">
        Revert <strong>{label}</strong> (started {formatSubmissionTime(submission.created_at)}): every span it
        changed goes back to its values before it, and keys it added are removed. A span changed since is left
        as it is.
      </p>
      <p className="revert-note">
        A revert also stops this submission if it is still sending (a Submit or a command line run in
        progress): the batches that arrive after the revert are refused and change nothing.
      </p>
      <p role="status" className="revert-status">
        {run.status === 'done'
          ? resultText(summarizeRevert(run.result))
          : run.status === 'reverting'
            ? 'Reverting…'
            : checking
              ? 'Checking what a revert would do…'
              : plan
                ? planText(plan)
                : ''}
      </p>
      {checkFailed && run.status === 'idle' && (
        <p role="alert" className="banner banner-error">
          Could not check the revert. {describeRevertError(dryRun.error, settings)}
        </p>
      )}
      {run.status === 'failed' && (
        <p role="alert" className="banner banner-error">
          Could not revert. {describeRevertError(run.error, settings)}
        </p>
      )}
      {run.status === 'done' ? (
        <RevertDetails summary={summarizeRevert(run.result)} done />
      ) : (
        plan && <RevertDetails summary={plan} done={false} />
      )}
      {plan && dryRun.isSuccess && run.status !== 'done' && (
        <BecomesNull entries={dryRun.data.becomes_null ?? []} />
      )}
      {plan && notAllowed !== null && run.status === 'idle' && (
        <p id={reasonId} className="revert-not-allowed">
          {notAllowed}
        </p>
      )}
      <div className="modal-actions">
        {(checkFailed || run.status === 'failed') && (
          <button
            type="button"
            onClick={() => {
              reverting.reset();
              void dryRun.refetch();
            }}
          >
            Check again
          </button>
        )}
        <button type="button" ref={closeRef} onClick={onClose} autoFocus>
          {run.status === 'done' ? 'Close' : 'Cancel'}
        </button>
        {plan && (run.status === 'idle' || run.status === 'reverting') && (
          <button
            type="button"
            className="primary"
            disabled={toRevert === 0 || run.status === 'reverting' || notAllowed !== null}
            aria-describedby={notAllowed !== null && run.status === 'idle' ? reasonId : undefined}
            onClick={revert}
          >
            Revert {countText(toRevert, 'span')}
          </button>
        )}
      </div>
    </Modal>
  );
}

/** Where the revert is: not asked for, under way, done (with what it did), or failed (with why). */
function runOf(
  mutation: ReturnType<typeof useRevertSubmission>,
):
  | { status: 'idle' | 'reverting' }
  | { status: 'done'; result: PatchResponse }
  | { status: 'failed'; error: unknown } {
  switch (mutation.status) {
    case 'idle':
      return { status: 'idle' };
    case 'pending':
      return { status: 'reverting' };
    case 'success':
      return { status: 'done', result: mutation.data };
    case 'error':
      return { status: 'failed', error: mutation.error };
  }
}

/** What the dry run found, in one sentence. */
function planText(plan: RevertSummary): string {
  if (plan.spans === 0) return 'This submission changed no metadata: there is nothing to revert.';
  const failed = plan.spans - plan.reverted;
  return `${countText(plan.reverted, 'span')} of ${plan.spans.toLocaleString('en-US')} will go back to their values before this submission.${
    failed > 0 ? ` ${countText(failed, 'span')} cannot, listed below.` : ''
  }`;
}

/** What the revert did, in one sentence. */
function resultText(result: RevertSummary): string {
  const failed = result.spans - result.reverted;
  return `Reverted ${countText(result.reverted, 'span')}.${
    failed > 0 ? ` ${countText(failed, 'span')} failed, listed below.` : ''
  } The revert is now the newest submission in History.`;
}

/** The spans a revert leaves alone, and why: changed since (with the value now), gone, or another failure. */
function RevertDetails({ summary, done }: { summary: RevertSummary; done: boolean }) {
  const gone = useMemo(() => summary.gone.map((spanId): GoneSpan => ({ spanId })), [summary.gone]);
  return (
    <>
      {summary.conflicts.length > 0 && (
        <section aria-labelledby="revert-conflicts-title" className="revert-section">
          <h3 id="revert-conflicts-title" className="revert-subtitle">
            Changed since this submission: {countText(summary.conflicts.length, 'span')}
          </h3>
          <p className="revert-note">
            {done ? 'These were left as they are' : 'These will be left as they are'}: a key the submission
            set holds another value now.
          </p>
          <DataTable
            label="Spans changed since"
            rows={summary.conflicts}
            columns={conflictColumns}
            rowKey={(conflict, index) => `${conflict.spanId}\u0000${index}`}
          />
        </section>
      )}
      {summary.gone.length > 0 && (
        <section aria-labelledby="revert-gone-title" className="revert-section">
          <h3 id="revert-gone-title" className="revert-subtitle">
            Spans gone: {countText(summary.gone.length, 'span')}
          </h3>
          <p className="revert-note">These spans no longer exist on the server.</p>
          <DataTable
            label="Spans gone"
            rows={gone}
            columns={goneColumns}
            rowKey={(row, index) => `${row.spanId}\u0000${index}`}
          />
        </section>
      )}
      {summary.other.length > 0 && (
        <section aria-labelledby="revert-other-title" className="revert-section">
          <h3 id="revert-other-title" className="revert-subtitle">
            Other failures: {countText(summary.other.length, 'span')}
          </h3>
          <DataTable
            label="Other failures"
            rows={summary.other}
            columns={otherColumns}
            rowKey={(error, index) => `${error.span_id}\u0000${index}`}
          />
        </section>
      )}
    </>
  );
}

/** The most keys that become null listed by name. */
const LISTED_NULLS = 50;

/**
 * For a project linked to Arize AX (SPEC §14): the keys the submission added, which become null in Arize instead
 * of going away, since Arize cannot remove a key. Nothing for a local project.
 */
function BecomesNull({ entries }: { entries: readonly { span_id: string; key: string }[] }) {
  if (entries.length === 0) return null;
  return (
    <div className="revert-nulls">
      <p>
        Arize AX cannot remove a key: {countText(entries.length, 'key')} this submission added will become
        null there instead of going away.
      </p>
      <ul aria-label="Keys that become null in Arize AX">
        {entries.slice(0, LISTED_NULLS).map((entry) => (
          <li key={`${entry.span_id} ${entry.key}`}>
            <code>{entry.span_id}</code> <code>{entry.key}</code>
          </li>
        ))}
        {entries.length > LISTED_NULLS && (
          <li>… and {countText(entries.length - LISTED_NULLS, 'more key')}</li>
        )}
      </ul>
    </div>
  );
}
