import { useState } from 'react';
import { authorWords, type SpanDetail } from '@/core/api';
import { valueText } from '@/ui/shared/cell-text';
import { countText } from '@/ui/shared/format';
import { changeAfterText, changeBeforeText, formatSpanTime, shortText } from './spans-format';

type TraceSpan = SpanDetail['trace'][number];

/** How a span of the trace stands to the span shown. */
function relationOf(candidate: TraceSpan, span: SpanDetail['span']): string {
  if (candidate.span_id === span.span_id) return 'this span';
  if (candidate.span_id === span.parent_span_id) return 'parent';
  if (candidate.parent_span_id === span.span_id) return 'child';
  if (candidate.parent_span_id === span.parent_span_id) return 'sibling';
  return '';
}

function Time({ iso }: { iso: string | null }) {
  if (iso === null) return <span className="spans-muted">not known</span>;
  return <time dateTime={iso}>{formatSpanTime(iso)}</time>;
}

/** A span's input or output: the first characters, and "Show all" for the rest. */
function LongText({ label, text }: { label: string; text: string | null }) {
  const [all, setAll] = useState(false);
  const id = `span-detail-${label.toLowerCase()}`;
  if (text === null) {
    return (
      <section aria-labelledby={id}>
        <h3 id={id}>{label}</h3>
        <p className="spans-muted">This span has no {label.toLowerCase()}.</p>
      </section>
    );
  }
  const { shown, cut } = shortText(text);
  return (
    <section aria-labelledby={id}>
      <h3 id={id}>{label}</h3>
      <pre className="span-detail-text">{all ? text : shown}</pre>
      {cut && (
        <button type="button" aria-expanded={all} onClick={() => setAll(!all)}>
          {all
            ? `Show less of the ${label.toLowerCase()}`
            : `Show all of the ${label.toLowerCase()} (${countText(text.length, 'character')})`}
        </button>
      )}
    </section>
  );
}

/** An attribute's value as the detail shows it: text as it is, anything else as JSON. */
function attributeText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * What the span detail shows of a span, once read: its fields, input and output, trace, metadata, other attributes
 * and change history (with who made each change, from a server with sign-in). In a chunk of its own, fetched when a
 * span is first opened.
 */
export function SpanDetailContent({
  detail,
  onOpenSpan,
}: {
  detail: SpanDetail;
  onOpenSpan: (id: string) => void;
}) {
  const { span, trace, changes } = detail;
  const withAuthors = changes.some((change) => change.author !== undefined);
  const byKey = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);
  const metadata = Object.entries(span.metadata).sort(byKey);
  const attributes = Object.entries(span.attributes).sort(byKey);
  return (
    <>
      <section aria-label="Fields">
        <dl className="span-fields">
          <dt>Span ID</dt>
          <dd>
            <code>{span.span_id}</code>
          </dd>
          <dt>Trace ID</dt>
          <dd>
            <code>{span.trace_id}</code>
          </dd>
          <dt>Parent</dt>
          <dd>
            {span.parent_span_id === null ? (
              <span className="spans-muted">none: a root span</span>
            ) : (
              <button
                type="button"
                className="spans-link"
                aria-label={`Open parent span ${span.parent_span_id}`}
                onClick={() => onOpenSpan(span.parent_span_id ?? '')}
              >
                <code>{span.parent_span_id}</code>
              </button>
            )}
          </dd>
          <dt>Name</dt>
          <dd>{span.name}</dd>
          <dt>Kind</dt>
          <dd>{span.kind}</dd>
          <dt>Started</dt>
          <dd>
            <Time iso={span.start_time} />
          </dd>
          <dt>Ended</dt>
          <dd>
            <Time iso={span.end_time} />
          </dd>
          <dt>Metadata changed</dt>
          <dd>
            {span.updated_at === null ? (
              <span className="spans-muted">never</span>
            ) : (
              <Time iso={span.updated_at} />
            )}
          </dd>
        </dl>
      </section>

      <LongText label="Input" text={span.input} />
      <LongText label="Output" text={span.output} />

      <section aria-labelledby="span-detail-trace">
        <h3 id="span-detail-trace">Trace ({countText(trace.length, 'span')})</h3>
        {detail.trace_truncated && (
          <p className="spans-muted">
            The trace has more spans; the first {countText(trace.length, 'span')} are listed.
          </p>
        )}
        <table className="span-detail-table">
          <caption className="visually-hidden">Spans of trace {span.trace_id}</caption>
          <thead>
            <tr>
              <th scope="col">Relation</th>
              <th scope="col">Span ID</th>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Started</th>
            </tr>
          </thead>
          <tbody>
            {trace.map((candidate) => {
              const relation = relationOf(candidate, span);
              const isThis = candidate.span_id === span.span_id;
              return (
                <tr key={candidate.span_id} aria-current={isThis ? 'true' : undefined}>
                  <td>{relation}</td>
                  <td>
                    {isThis ? (
                      <code>{candidate.span_id}</code>
                    ) : (
                      <button
                        type="button"
                        className="spans-link"
                        aria-label={`Open span ${candidate.span_id}`}
                        onClick={() => onOpenSpan(candidate.span_id)}
                      >
                        <code>{candidate.span_id}</code>
                      </button>
                    )}
                  </td>
                  <td>{candidate.name}</td>
                  <td>{candidate.kind}</td>
                  <td>
                    <Time iso={candidate.start_time} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="span-detail-metadata">
        <h3 id="span-detail-metadata">Metadata ({countText(metadata.length, 'key')})</h3>
        {metadata.length === 0 ? (
          <p className="spans-muted">This span has no metadata.</p>
        ) : (
          <table className="span-detail-table">
            <caption className="visually-hidden">Metadata of span {span.span_id}</caption>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {metadata.map(([key, value]) => (
                <tr key={key}>
                  <td>
                    <code>{key}</code>
                  </td>
                  <td>
                    <code>{valueText(value)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="span-detail-attributes">
        <h3 id="span-detail-attributes">Attributes ({countText(attributes.length, 'attribute')})</h3>
        {attributes.length === 0 ? (
          <p className="spans-muted">This span has no other attributes.</p>
        ) : (
          <table className="span-detail-table">
            <caption className="visually-hidden">Attributes of span {span.span_id}</caption>
            <thead>
              <tr>
                <th scope="col">Attribute</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {attributes.map(([key, value]) => (
                <tr key={key}>
                  <td>
                    <code>{key}</code>
                  </td>
                  <td>
                    <code>{shortText(attributeText(value)).shown}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {/* NOTE: a server with sign-in says who made each change (SPEC §16); an older one does not: no "By". */}
      <section aria-labelledby="span-detail-changes">
        <h3 id="span-detail-changes">Change history ({countText(changes.length, 'change')})</h3>
        {changes.length === 0 ? (
          <p className="spans-muted">No submission has changed this span&apos;s metadata.</p>
        ) : (
          <table className="span-detail-table">
            <caption className="visually-hidden">Changes to span {span.span_id}, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Submission</th>
                {withAuthors && <th scope="col">By</th>}
                <th scope="col">Key</th>
                <th scope="col">Before</th>
                <th scope="col">After</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((change, index) => (
                <tr key={`${change.submission_id}:${change.key}:${index}`}>
                  <td>
                    <Time iso={change.at} />
                  </td>
                  <td>
                    {change.submission_label ?? <span className="spans-muted">no label</span>}
                    {change.submission_kind === 'revert' && ' (revert)'}
                  </td>
                  {withAuthors && (
                    <td>
                      {authorWords({ author: change.author ?? null, key_name: null }) ?? (
                        <span className="spans-muted">not recorded</span>
                      )}
                    </td>
                  )}
                  <td>
                    <code>{change.key}</code>
                  </td>
                  <td>
                    <code>{changeBeforeText(change)}</code>
                  </td>
                  <td>
                    <code>{changeAfterText(change)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
