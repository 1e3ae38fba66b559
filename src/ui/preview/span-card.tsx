import { describeLocation, type Issue, issueMessage } from '@/core/issues';
import type { SpanPrediction, SpanResult } from '@/core/patch';
import type { SheetModel } from '@/core/sheet';
import { describeErrorMessage, issueLabel, NOT_IN_COPY_TEXT } from '@/core/words';
import { valueText } from '@/ui/shared/cell-text';
import { SupportDetails } from '@/ui/shared/support-details';
import { BreakableName } from './breakable-name';
import { type Badge, type PreviewStatus, spanIssues, statusLabels } from './preview-status';

/** One span of the Preview: its patch key by key against the server, its issues, and what is predicted. */
export function SpanCard({
  model,
  span,
  prediction,
  compared,
  upToDate,
  origin,
}: {
  model: SheetModel;
  span: SpanResult;
  prediction: SpanPrediction | undefined;
  compared: boolean;
  /** The server already has every key as asked: the span is not sent. */
  upToDate: boolean;
  origin: { name: string; kind: string } | undefined;
}) {
  const status: PreviewStatus = upToDate ? 'uptodate' : span.status;
  // A predicted failure has its own badge: the server is expected to refuse the span, whatever its warnings.
  const badge: Badge = prediction?.failure ? 'predicted' : status;
  const failure = prediction?.failure
    ? describeErrorMessage(`[${prediction.failure.type}] ${prediction.failure.message}`)
    : null;
  const issues = spanIssues(model, span);
  const errors = issues.filter((issue) => issue.severity === 'error');
  /** What is said about an entry: issues naming its key, and issues on the cell it came from. */
  const entryIssues = (entry: SpanResult['patch'][number]) =>
    issues.filter((issue) =>
      'key' in issue
        ? issue.key === entry.key && issue.row === entry.row
        : issue.row === entry.row && issue.columnId === entry.columnId && issue.severity === 'warning',
    );
  const before = prediction?.before ?? null;
  const unchangedKeys = before
    ? Object.keys(before).filter((key) => !span.patch.some((entry) => entry.key === key))
    : [];
  return (
    <article className={`span-card span-${badge}`} aria-label={`Span ${span.spanId}`}>
      <header className="span-card-head">
        <code className="span-id">{span.spanId}</code>
        {origin && (
          <span className="span-origin">
            {origin.name}
            {origin.kind && <span className="span-origin-kind">{origin.kind}</span>}
          </span>
        )}
        <span className={`status-pill pill-${badge}`}>{statusLabels[badge]}</span>
        <span className="span-rows">
          {span.rows.length === 1 ? 'row' : 'rows'} {span.rows.join(', ')}
        </span>
        {prediction?.notInCopy && <span className="not-in-copy">{NOT_IN_COPY_TEXT}</span>}
        {failure && (
          <span className="predicted-failure">
            Predicted to fail ({failure.typeLabel.toLowerCase()}): {failure.text}
          </span>
        )}
      </header>
      {errors.length > 0 && (
        <ul className="span-errors" aria-label="Errors">
          {errors.map((issue, index) => (
            <li key={`${issue.code}-${index}`} className="issue-error">
              {describeLocation(issue)}: {issueMessage(issue)}
            </li>
          ))}
        </ul>
      )}
      {span.patch.length > 0 && (
        <table className="patch-table">
          <thead>
            <tr>
              <th scope="col" className="col-key">
                Key
              </th>
              <th scope="col" className="col-input">
                Input
              </th>
              <th scope="col" className="col-stored">
                Stored as
              </th>
              {compared && (
                <th scope="col" className="col-server">
                  Now on the server
                </th>
              )}
              {compared && (
                <th scope="col" className="col-change">
                  Change
                </th>
              )}
              <th scope="col" className="col-from">
                From
              </th>
              <th scope="col" className="col-notes">
                Notes
              </th>
            </tr>
          </thead>
          <tbody>
            {span.patch.map((entry) => {
              const change = prediction?.changes.get(entry.key);
              return (
                <tr key={entry.key}>
                  <th scope="row">
                    <code>
                      <BreakableName text={entry.key} />
                    </code>
                  </th>
                  <td>
                    <code>{valueText(entry.input)}</code>
                  </td>
                  <td>
                    <code>{valueText(entry.stored)}</code>
                  </td>
                  {compared && (
                    <td>
                      <code>
                        {before === null
                          ? '—'
                          : Object.hasOwn(before, entry.key)
                            ? valueText(before[entry.key])
                            : '(not set)'}
                      </code>
                    </td>
                  )}
                  {compared && <td className={`change-${change ?? 'unknown'}`}>{change ?? '—'}</td>}
                  <td className="entry-source">
                    row {entry.row},{' '}
                    {entry.fromPatchDocument ? 'patch_document' : <BreakableName text={entry.column} />}
                  </td>
                  <td>
                    {entryIssues(entry).map((issue, index) => (
                      <span
                        key={`${issue.code}-${index}`}
                        className={`note issue-${issue.severity}`}
                        title={issueMessage(issue)}
                      >
                        <BreakableName text={issueLabel(issue.code)} />
                      </span>
                    ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {unchangedKeys.length > 0 && (
        <p className="kept-keys">
          Kept as they are: {unchangedKeys.map((key) => `${key} = ${valueText(before?.[key])}`).join(', ')}
        </p>
      )}
      {span.issues
        .filter((issue) => issue.severity === 'warning' && !('key' in issue))
        .slice(0, 1)
        .map((issue) => (
          <p key={issue.code} className="issue-warning span-note">
            {issueMessage(issue)}
          </p>
        ))}
      <SupportDetails lines={supportLines(issues, failure?.original ?? null)} />
    </article>
  );
}

/** What a card keeps for support: the codes of its warnings and errors, and the predicted failure as the server words it. */
function supportLines(issues: readonly Issue[], predictedFailure: string | null): string[] {
  const codes = [...new Set(issues.map((issue) => issue.code))];
  const lines = codes.length > 0 ? [`Codes: ${codes.join(', ')}`] : [];
  if (predictedFailure !== null) lines.push(`Predicted: ${predictedFailure}`);
  return lines;
}
