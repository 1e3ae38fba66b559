import { styleText } from 'node:util';

/** A stream the command line writes to: process.stdout or stderr, or a fake one in tests. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  /** Node's TTY streams: whether the terminal shows colours (it reads NO_COLOR, FORCE_COLOR and TERM). */
  hasColors?: () => boolean;
}

/** What a command can write to, read from, and read the environment of. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
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

/** A painter for a stream: `node:util` styleText on a colour terminal, plain text elsewhere. */
export function painter(stream: OutputStream, env: CliIo['env']): Paint {
  if (!colorsEnabled(stream, env)) return (_style, text) => text;
  return (style, text) => styleText(style, text);
}

/**
 * Where a command writes: `report` for what it found (standard output, or standard error under `--json`, so that
 * standard output carries the JSON alone), `note` for progress, questions and problems (always standard error).
 */
export class Terminal {
  readonly paintReport: Paint;
  readonly paintNote: Paint;
  private readonly reportStream: OutputStream;

  constructor(
    readonly io: CliIo,
    { json = false }: { json?: boolean } = {},
  ) {
    this.reportStream = json ? io.stderr : io.stdout;
    this.paintReport = painter(this.reportStream, io.env);
    this.paintNote = painter(io.stderr, io.env);
  }

  /** Writes lines of the report. */
  report(...lines: string[]): void {
    if (lines.length > 0) this.reportStream.write(`${lines.join('\n')}\n`);
  }

  /** Writes lines to standard error. */
  note(...lines: string[]): void {
    if (lines.length > 0) this.io.stderr.write(`${lines.join('\n')}\n`);
  }

  /** Writes a value as JSON on standard output, alone. */
  json(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** True when a person is at the keyboard: standard input and standard error are a terminal. */
  get interactive(): boolean {
    return this.io.stdin.isTTY === true && this.io.stderr.isTTY === true;
  }
}
