import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { ApiRequestError, loadFromArize } from '@/client';
import { loadParts, MAX_LOAD_DAYS, whyNotAllowed } from '@/core/api';
import { type LoadedCounts, loadedSpansText, loadFailureText } from '@/core/words';
import {
  type ConnectionSettings,
  invalidateProject,
  toClientOptions,
  useIdentity,
  useProjectTarget,
} from '@/ui/settings';
import { Modal } from '@/ui/shared/modal';
import { describeRequestError } from '@/ui/shared/request-error';

type Window = '24h' | '7d' | 'since';

/** The windows a load offers, in the order shown. */
const WINDOWS: readonly [Window, string][] = [
  ['24h', 'The last 24 hours'],
  ['7d', 'The last 7 days'],
  ['since', 'Since a time'],
];

const DAY_MS = 86_400_000;

type Phase =
  | { step: 'form' }
  | { step: 'loading'; part: number; parts: number; counts: LoadedCounts }
  | { step: 'done'; counts: LoadedCounts }
  | { step: 'failed'; message: string };

const NONE: LoadedCounts = { spans_loaded: 0, spans_new: 0, spans_updated: 0, spans_unchanged: 0 };

function added(total: LoadedCounts, part: LoadedCounts): LoadedCounts {
  return {
    spans_loaded: total.spans_loaded + part.spans_loaded,
    spans_new: (total.spans_new ?? 0) + (part.spans_new ?? 0),
    spans_updated: (total.spans_updated ?? 0) + (part.spans_updated ?? 0),
    spans_unchanged: (total.spans_unchanged ?? 0) + (part.spans_unchanged ?? 0),
  };
}

/** The window's start, or why the custom time cannot be one. */
function windowStart(choice: Window, since: string, now: Date): Date | string {
  if (choice === '24h') return new Date(now.getTime() - DAY_MS);
  if (choice === '7d') return new Date(now.getTime() - 7 * DAY_MS);
  if (since === '') return 'Enter the time to load from.';
  // NOTE: a datetime-local value has no zone: it is the person's local time, as the field shows it.
  const start = new Date(since);
  if (Number.isNaN(start.getTime())) return 'The time to load from is not a valid time.';
  if (start.getTime() >= now.getTime()) return 'The time to load from must be in the past.';
  if (now.getTime() - start.getTime() > MAX_LOAD_DAYS * DAY_MS) {
    return `A load reads at most ${MAX_LOAD_DAYS} days: choose a later time.`;
  }
  return start;
}

/**
 * "Load spans from Arize" on the Spans tab of a project linked to Arize AX (SPEC §14), and nothing for a local
 * project: loads a window's spans into Spanpatch's copy, part by part with progress, and says what the copy got.
 */
export function LoadFromArize({
  settings,
}: {
  settings: Pick<ConnectionSettings, 'serverUrl' | 'apiKey' | 'project'>;
}) {
  const target = useProjectTarget(settings);
  const notAllowed = whyNotAllowed(useIdentity(settings), 'load');
  const reasonId = useId();
  const [open, setOpen] = useState(false);
  if (target?.kind !== 'arize') return null;
  return (
    <>
      {/* NOTE: aria-disabled, not disabled: the keyboard still reaches the button and hears why (SPEC §16). */}
      <button
        type="button"
        className="spans-load-button"
        aria-disabled={notAllowed !== null || undefined}
        aria-describedby={notAllowed !== null ? reasonId : undefined}
        onClick={() => {
          if (notAllowed === null) setOpen(true);
        }}
      >
        Load spans from Arize
      </button>
      {notAllowed !== null && (
        <span id={reasonId} className="spans-load-reason">
          {notAllowed}
        </span>
      )}
      {open && (
        <LoadFromArizeDialog
          settings={settings}
          arizeProject={target.project}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}

function LoadFromArizeDialog({
  settings,
  arizeProject,
  onClose,
}: {
  settings: Pick<ConnectionSettings, 'serverUrl' | 'apiKey' | 'project'>;
  arizeProject: string;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const [choice, setChoice] = useState<Window>('24h');
  const [since, setSince] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>({ step: 'form' });
  const controller = useRef<AbortController | null>(null);
  useEffect(() => () => controller.current?.abort(), []);
  const loading = phase.step === 'loading';
  const { project } = settings;

  const cancel = () => {
    controller.current?.abort();
    controller.current = null;
    setPhase({ step: 'form' });
  };

  const run = async () => {
    const now = new Date();
    const start = windowStart(choice, since, now);
    if (typeof start === 'string') {
      setProblem(start);
      return;
    }
    setProblem(null);
    const parts = loadParts(start, now);
    const current = new AbortController();
    controller.current?.abort();
    controller.current = current;
    let counts = NONE;
    setPhase({ step: 'loading', part: 0, parts: parts.length, counts });
    try {
      for (const [index, part] of parts.entries()) {
        const answer = await loadFromArize(
          project,
          { start: part.start.toISOString(), end: part.end.toISOString() },
          { ...toClientOptions(settings), signal: current.signal },
        );
        if (current.signal.aborted) return;
        counts = added(counts, answer);
        setPhase({ step: 'loading', part: index + 1, parts: parts.length, counts });
      }
      setPhase({ step: 'done', counts });
    } catch (error) {
      if (current.signal.aborted) return;
      const plain =
        error instanceof ApiRequestError ? loadFailureText(error.code, error.message, counts) : null;
      setPhase({ step: 'failed', message: plain ?? describeRequestError(error, settings) });
    } finally {
      // The copy changed (also when a failure or a cancel stopped the load part way): the Spans tab reads it again.
      if (counts.spans_loaded > 0) void invalidateProject(queryClient, settings);
    }
  };

  return (
    <Modal title="Load spans from Arize" onClose={loading ? cancel : onClose} className="spans-load-dialog">
      <form
        className="modal-body spans-load-form"
        onSubmit={(event) => {
          event.preventDefault();
          void run();
        }}
      >
        <p className="spans-hint">
          Reads the spans of Arize AX project &ldquo;{arizeProject}&rdquo; into Spanpatch&apos;s copy of{' '}
          {project}. A span the copy already holds takes Arize&apos;s metadata; no history is recorded.
        </p>
        <fieldset disabled={loading}>
          <legend>Spans started in</legend>
          {WINDOWS.map(([value, label]) => (
            <label key={value} className="spans-check">
              <input
                type="radio"
                name="spans-load-window"
                checked={choice === value}
                onChange={() => setChoice(value)}
              />
              {label}
            </label>
          ))}
          {choice === 'since' && (
            <label className="spans-load-since">
              Since (your local time, at most {MAX_LOAD_DAYS} days ago)
              <input
                type="datetime-local"
                value={since}
                aria-invalid={problem !== null}
                onChange={(event) => setSince(event.target.value)}
              />
            </label>
          )}
        </fieldset>

        {problem !== null && (
          <p role="alert" className="banner banner-error">
            {problem}
          </p>
        )}
        {phase.step === 'failed' && (
          <p role="alert" className="banner banner-error">
            {phase.message}
          </p>
        )}
        <p role="status" aria-label="Loading from Arize" className="spans-add-progress">
          {phase.step === 'loading' && (
            <>
              Loading part {phase.part + 1 > phase.parts ? phase.parts : phase.part + 1} of {phase.parts} ·{' '}
              {phase.counts.spans_loaded.toLocaleString('en-US')} spans loaded so far
              <progress aria-label="Parts loaded" max={Math.max(phase.parts, 1)} value={phase.part} />
            </>
          )}
          {phase.step === 'done' && `${loadedSpansText(phase.counts)}.`}
        </p>

        <div className="modal-actions">
          {loading ? (
            <button type="button" onClick={cancel}>
              Cancel
            </button>
          ) : (
            <button type="button" onClick={onClose}>
              Close
            </button>
          )}
          <button type="submit" className="primary" disabled={loading}>
            {phase.step === 'done' ? 'Load again' : 'Load'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
