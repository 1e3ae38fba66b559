import { useEffect, useState } from 'react';

/**
 * `value` once it has stopped changing for `delayMs` (the first value at once), with whether a newer one waits.
 * `key` names everything `value` holds: a value with the same key is the same. `delayMs` may depend on the value
 * settled so far (e.g. none after no value at all).
 */
export function useSettledValue<T>(
  value: T,
  key: string,
  delayMs: number | ((settled: T) => number),
): [settled: T, waiting: boolean] {
  const [settled, setSettled] = useState({ key, value });
  const delay = typeof delayMs === 'function' ? delayMs(settled.value) : delayMs;
  useEffect(() => {
    const timer = setTimeout(
      () => setSettled((current) => (current.key === key ? current : { key, value })),
      delay,
    );
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` names everything `value` holds
  }, [key, delay]);
  return [settled.value, settled.key !== key];
}
