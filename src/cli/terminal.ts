import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { printableJson, type PrintableOptions, printableText } from '@/core/text';

/** A stream the command line writes to: process.stdout or stderr. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  /** Node's TTY streams: whether the terminal shows colours (it reads NO_COLOR, FORCE_COLOR and TERM). */
  hasColors?: () => boolean;
}

/** What a command can write to, read from, and read the environment of. */
export interface CliIo {
  stdout: TerminalOutput;
  stderr: TerminalOutput;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
  /** The directory relative paths start from. */
  cwd: string;
}

/** The styles the command line uses. */
export type Style = 'red' | 'yellow' | 'green' | 'cyan' | 'bold' | 'dim';

/** Colours text for one stream, or leaves it plain. */
export type Paint = (style: Style, text: string) => string;

/**
 * Whether to colour what goes to a stream: only a terminal, never with NO_COLOR set (any value, as
 * no-color.org says), and as the terminal itself says (`hasColors`).
 */
export function colorsEnabled(stream: OutputStream, env: CliIo['env']): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (stream.isTTY !== true) return false;
  return stream.hasColors?.() ?? false;
}

/**
 * The one way the command line's text reaches standard output or standard error: every write is made printable
 * (`printableText`, line feeds kept), so no text from a server or a file, wherever it is printed, can clear the
 * screen, move the cursor, write over a line or reverse what it shows. The colours the command line paints
 * (`paint`) are the only escape sequences that get through.
 * NOTE: a painted style is written with a mark in place of ESC, random for each run, and the mark becomes ESC
 * only after the text is made printable: a server cannot know the mark, so it cannot paint, and an ESC it sends
 * is removed like any other.
 */
export class TerminalOutput implements OutputStream {
  /** Colours text for this stream: with the run's own marks on a colour terminal, plain text elsewhere. */
  readonly paint: Paint;
  private readonly colors: boolean;
  private readonly ownEscape = `\u{F8FF}${randomUUID()}\u{F8FF}`;

  constructor(
    /** The stream itself, for what must drive the terminal (a progress bar, a prompt); print nothing else to it. */
    readonly raw: OutputStream,
    env: CliIo['env'],
  ) {
    this.colors = colorsEnabled(raw, env);
    this.paint = this.colors
      ? (style, text) => {
          const [open, close] = inspect.colors[style] ?? [0, 0];
          return `${this.ownEscape}[${open}m${text}${this.ownEscape}[${close}m`;
        }
      : (_style, text) => text;
  }

  get isTTY(): boolean {
    return this.raw.isTTY === true;
  }

  /**
   * Text as this stream prints it: made printable (`printableText`; line feeds kept only when `multiline`), with
   * the colours painted for it. For what is written to `raw`.
   */
  printable(text: string, options: PrintableOptions = {}): string {
    const printable = printableText(text, options);
    return this.colors ? printable.replaceAll(this.ownEscape, '\x1b') : printable;
  }

  /** Writes text made printable, line feeds kept, with the colours painted for this stream. */
  write(text: string): unknown {
    return this.raw.write(this.printable(text, { multiline: true }));
  }
}

/**
 * Where a command writes: `report` for what it found (standard output, or standard error under `--json`, so that
 * standard output carries the JSON alone), `note` for progress, questions and problems (always standard error).
 * Each line given is one line: a line break in it (from a name, a value or a message it quotes) becomes a space.
 */
export class Terminal {
  readonly paintReport: Paint;
  readonly paintNote: Paint;
  private readonly reportStream: TerminalOutput;

  constructor(
    readonly io: CliIo,
    { json = false }: { json?: boolean } = {},
  ) {
    this.reportStream = json ? io.stderr : io.stdout;
    this.paintReport = this.reportStream.paint;
    this.paintNote = io.stderr.paint;
  }

  /** Writes lines of the report. */
  report(...lines: string[]): void {
    if (lines.length > 0) this.reportStream.write(linesText(lines));
  }

  /** Writes lines to standard error. */
  note(...lines: string[]): void {
    if (lines.length > 0) this.io.stderr.write(linesText(lines));
  }

  /** Writes a value as JSON on standard output, alone (`printableJson`: the same value, safe on a terminal). */
  json(value: unknown): void {
    this.io.stdout.write(`${printableJson(value)}\n`);
  }

  /** True when a person is at the keyboard: standard input and standard error are a terminal. */
  get interactive(): boolean {
    return this.io.stdin.isTTY === true && this.io.stderr.isTTY === true;
  }
}

/**
 * Lines as text to write, each kept to one line: a line break in one becomes a space, as `printableText` does on
 * one line. The rest of `printableText` is done once for the whole text, by `TerminalOutput.write`.
 * NOTE: `includes` first, because a check of a large file writes millions of lines and almost none has a break.
 */
function linesText(lines: readonly string[]): string {
  const oneLine = (line: string) =>
    line.includes('\n') || line.includes('\r') ? line.replace(/\r\n|[\r\n]/g, ' ') : line;
  return `${lines.map(oneLine).join('\n')}\n`;
}
