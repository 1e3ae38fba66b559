import { describe, expect, it } from 'vitest';
import { loadCountsText, loadedSpansText, loadFailureText } from '@/core/words';

describe('the words of a load from Arize AX', () => {
  it('says how many spans were loaded, new and updated, and unchanged only when some were', () => {
    expect(
      loadedSpansText({ spans_loaded: 1204, spans_new: 1180, spans_updated: 24, spans_unchanged: 0 }),
    ).toBe('Loaded 1,204 spans: 1,180 new, 24 updated');
    expect(loadedSpansText({ spans_loaded: 1, spans_new: 0, spans_updated: 0, spans_unchanged: 1 })).toBe(
      'Loaded 1 span: 0 new, 0 updated, 1 unchanged',
    );
    // A server older than upserting loads says only how many it read.
    expect(loadCountsText({ spans_loaded: 3 })).toBe('0 new, 0 updated');
  });

  it("says why a load stopped in plain words, with the server's reason and how far it got", () => {
    expect(
      loadFailureText(
        'arize_key_refused',
        'Loading from Arize AX failed: Arize AX refused the API key (ARIZE_API_KEY)',
        { spans_loaded: 0 },
      ),
    ).toBe(
      'Arize AX refused the API key set on the Spanpatch server (ARIZE_API_KEY). Arize AX refused the API key (ARIZE_API_KEY). Nothing was loaded.',
    );
    expect(
      loadFailureText(
        'arize_unreachable',
        'Loading from Arize AX failed: Arize AX could not be reached at flight.arize.com:443 (connection refused)',
        { spans_loaded: 12, spans_new: 12, spans_updated: 0 },
      ),
    ).toBe(
      'Arize AX cannot be reached from the Spanpatch server. Arize AX could not be reached at flight.arize.com:443 (connection refused). Loaded 12 spans: 12 new, 0 updated before it stopped.',
    );
    expect(loadFailureText('invalid_body', 'no', { spans_loaded: 0 })).toBeNull();
  });
});
