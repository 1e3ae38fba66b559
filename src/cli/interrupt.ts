import { EXIT } from './exit-status';
import type { Terminal } from './terminal';

/** The signals that ask a long run to stop: Ctrl+C, and `kill` (a CI job cancelled, a container stopped). */
export type StopSignal = 'SIGINT' | 'SIGTERM';

const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM'];

/** How a run stopped by a signal says so: "Cancelled with Ctrl+C", "Stopped by SIGTERM". */
export function stoppedBy(signal: StopSignal): string {
  return signal === 'SIGINT' ? 'Cancelled with Ctrl+C' : 'Stopped by SIGTERM';
}

/**
 * Ctrl+C (SIGINT) or SIGTERM while something long runs: the first one calls `stop` with the signal (which cancels
 * through an AbortSignal, so the run ends and reports what it knows) and says what happens next; a second one quits
 * at once, with exit status 130 (SIGINT) or 143 (SIGTERM). Returns a function that puts the default behaviour back.
 */
export function handleInterrupts(
  terminal: Terminal,
  stop: (signal: StopSignal) => void,
  stopping: string,
): () => void {
  let stopped = false;
  const onSignal = (signal: StopSignal) => {
    if (stopped) {
      terminal.note(terminal.paintNote('red', 'Stopped at once: what was in flight was not waited for.'));
      process.exit(signal === 'SIGINT' ? EXIT.interrupted : EXIT.terminated);
    }
    stopped = true;
    const again = signal === 'SIGINT' ? 'Press Ctrl+C again' : 'Send SIGTERM or Ctrl+C again';
    terminal.note('', terminal.paintNote('yellow', `${stopping} ${again} to quit at once.`));
    stop(signal);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  };
}
