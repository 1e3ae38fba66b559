import { createInterface } from 'node:readline/promises';
import type { Terminal } from './terminal';

/**
 * Asks a yes/no question on the terminal (standard error, read from standard input); true only for "y" or "yes".
 * Ctrl+C or the end of input answers no. Only called when a person is there (`terminal.interactive`): a script is
 * never asked.
 */
export async function confirm(terminal: Terminal, question: string): Promise<boolean> {
  const prompt = createInterface({
    input: terminal.io.stdin,
    // NOTE: the prompt drives the terminal itself (it echoes and edits the line), so it gets the raw stream; the
    // question is made printable here instead.
    output: terminal.io.stderr.raw as NodeJS.WritableStream,
  });
  const cancel = new AbortController();
  prompt.on('SIGINT', () => cancel.abort());
  prompt.on('close', () => cancel.abort());
  try {
    const answer = await prompt.question(`${terminal.io.stderr.printable(question)} [y/N] `, {
      signal: cancel.signal,
    });
    return /^y(es)?$/i.test(answer.trim());
  } catch {
    terminal.note('');
    return false;
  } finally {
    prompt.close();
  }
}
