import { EXIT } from './exit-status';
import type { Terminal } from './terminal';

/**
 * Ctrl+C while something long runs: the first one calls `stop` (which cancels through an AbortSignal) and says
 * what happens next; a second one quits at once with exit status 130. Returns a function that puts the default
 * behaviour back.
 */
export function handleInterrupts(terminal: Terminal, stop: () => void, stopping: string): () => void {
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts++;
    if (interrupts > 1) {
      terminal.note(terminal.paintNote('red', 'Stopped at once: what was in flight was not waited for.'));
      process.exit(EXIT.interrupted);
    }
    terminal.note('', terminal.paintNote('yellow', `${stopping} Press Ctrl+C again to quit at once.`));
    stop();
  };
  process.on('SIGINT', onInterrupt);
  return () => {
    process.off('SIGINT', onInterrupt);
  };
}
