import { hashKey, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import type { PatchEntry, SpanPrediction, SpanStatus } from '@/core/patch';
import type { SheetModel } from '@/core/sheet';
import type { ConnectionSettings } from '@/ui/settings';
import { describeRequestError } from '@/ui/shared/request-error';
import { comparisonKeys, comparisonQueryOptions } from './api/get-comparison';

/**
 * The server's side of the preview: current metadata, predicted failures and the spans already up to date (not
 * sent), or why there is none.
 */
export type ServerPreview =
  | { state: 'off'; reason: string }
  | { state: 'loading' }
  | {
      state: 'ready';
      /** The spans predicted to fail, with their predictions (few: kept for the whole sheet). */
      failures: ReadonlyMap<string, SpanPrediction>;
      /**
       * A span's prediction, for a card in view: its failure as predicted in submission order, else its keys
       * against the server's values, computed when asked (a million kept predictions would be 400 MB).
       */
      predict: (spanId: string, patch: readonly PatchEntry[]) => SpanPrediction | undefined;
      /** Submittable spans whose every key the server already stores as asked: Submit leaves them out. */
      upToDate: ReadonlySet<string>;
      /** The spans of `upToDate` by their status in the sheet (Ready or With warnings), to count them apart. */
      upToDateByStatus: Readonly<Record<SpanStatus, number>>;
      /** How many spans are predicted to fail. */
      predictedFailures: number;
      fieldCount: number;
    }
  /** `message` says why in plain words, as every tab says it. */
  | { state: 'failed'; message: string };

/** What the comparison depends on besides the sheet's model and the connection. */
export interface ComparisonCues {
  /** The sheet's version: the model changes in place, and every change is a new version. */
  version: number;
  /**
   * True while a submission runs: no lookup starts (none races the submission, one under way stops), and the
   * comparison of the sheet as it is stays shown; once false again, the spans are compared anew if need be (the
   * submission marked the comparison out of date as it ended).
   */
  paused: boolean;
}

/** No span is known to be up to date (the server's values are not known): every submittable span is sent. */
export const NONE_UP_TO_DATE: ReadonlySet<string> = new Set();

/** The spans to leave out of a submission: those known to be up to date, none while the lookup is not ready. */
export function upToDateOf(server: ServerPreview): ReadonlySet<string> {
  return server.state === 'ready' ? server.upToDate : NONE_UP_TO_DATE;
}

const NO_PROJECT: ServerPreview = {
  state: 'off',
  reason: 'No project is set: choose one in Settings to compare with the server.',
};
const LOADING: ServerPreview = { state: 'loading' };
const PAUSED: ServerPreview = {
  state: 'off',
  reason: 'The comparison with the server waits for the submission to end.',
};

/**
 * Looks up the sheet's spans and the project's field types a moment after the sheet settles, and predicts each
 * span's outcome. A change of the sheet cancels the comparison under way; the preview works without it. The
 * work on the page (every span's patch, every prediction) is done in slices that give the main thread back to
 * the browser, so a large sheet does not freeze it. The comparison is kept in the app's cache (the latest one
 * only: it holds every compared span), so the tab shown again shows it at once while it is fresh; a submission or
 * a revert marks it out of date. The same answer gives the same object back.
 */
export function useServerView(
  model: SheetModel,
  settings: ConnectionSettings,
  { version, paused }: ComparisonCues,
): ServerPreview {
  const { project, serverUrl, apiKey } = settings;
  const queryClient = useQueryClient();
  // NOTE: the key names everything the comparison depends on: the sheet (its model and version), the project and
  // the connection; what the server stores is in none of it: a submission ending marks the comparison out of date.
  // Read-only mode is not a change of any: it pauses.
  const options = comparisonQueryOptions(model, { serverUrl, apiKey }, project, version);
  const hash = hashKey(options.queryKey);
  const { data, error, status, isFetching } = useQuery({ ...options, enabled: project !== '' && !paused });

  // A submission that starts stops the comparison under way; the one made before stays.
  useEffect(() => {
    if (paused) void queryClient.cancelQueries({ queryKey: options.queryKey, exact: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `hash` names the key
  }, [queryClient, paused, hash]);
  // NOTE: a comparison holds every compared span's stored metadata: once the sheet is compared anew, none older
  // is kept (a million spans' worth would each be hundreds of MB).
  useEffect(() => {
    queryClient.removeQueries({
      predicate: (query) =>
        comparisonKeys.isComparison(query.queryKey) && query.queryHash !== hash && !query.isActive(),
    });
  }, [queryClient, hash]);

  // While paused, the comparison made before stays shown (one under way was stopped: nothing shows then).
  const shown =
    project === ''
      ? 'off'
      : isFetching && !paused
        ? 'loading'
        : status === 'pending'
          ? paused
            ? 'paused'
            : 'loading'
          : status;
  // NOTE: the same comparison gives the same object back, paused or not: a pause re-renders no span.
  return useMemo((): ServerPreview => {
    switch (shown) {
      case 'off':
        return NO_PROJECT;
      case 'paused':
        return PAUSED;
      case 'loading':
        return LOADING;
      case 'success':
        return data === undefined ? LOADING : { state: 'ready', ...data };
      case 'error':
        // The same words as every other tab, e.g. the one sentence for a server that cannot be reached.
        return { state: 'failed', message: describeRequestError(error, settings) };
    }
  }, [shown, data, error, settings]);
}
