import { type Command, InvalidArgumentError, Option } from 'commander';
import type { MappingOptions } from './column-mapping';
import type { CliIo } from './terminal';

/** What every command gets: where to write and read, and where to leave its exit status. */
export interface CommandContext {
  io: CliIo;
  /** Sets the exit status of the run (SPEC §13). */
  exit(status: number): void;
}

/** Options of the commands that talk to a server. */
export interface ServerOptions {
  server?: string;
}

/** Options of the commands that read a sheet file. */
export interface SheetOptions extends MappingOptions {
  maxIssues?: number;
  /** The sheet of an Excel workbook to read, when it has several. */
  sheet?: string;
}

/** Commander's collector for an option given several times. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Commander's parser of a whole number of at least `min`, which names the option in its message. */
export function integerAtLeast(min: number, max = Number.MAX_SAFE_INTEGER): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(
        `"${text}" is not a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}.`,
      );
    }
    return value;
  };
}

/**
 * `--sheet`, `--map`, `--type`, `--blank` and `--max-issues`: which sheet of a workbook, how a sheet file's columns
 * are read, and how much is listed.
 */
export function addSheetOptions(command: Command): Command {
  return command
    .option('--sheet <name>', 'the sheet of an Excel workbook (.xlsx) to read, when it has several with data')
    .option(
      '--map <column=target>',
      'map a column the file names otherwise: a target is context.span_id, attributes.metadata.<key>, ' +
        'patch_document or ignore; #3 names the third column (repeat for several)',
      collect,
      [],
    )
    .option(
      '--type <column=type>',
      'read a metadata column as auto (the default), string, number, boolean or json (repeat for several)',
      collect,
      [],
    )
    .option(
      '--blank <column=policy>',
      'blank cells of a metadata column: skip (the default) or null',
      collect,
      [],
    )
    .option(
      '--max-issues <n>',
      'list at most n errors and warnings per column (default: all)',
      integerAtLeast(0),
    );
}

/** `--server`, defaulting to SPANPATCH_URL; the key always comes from SPANPATCH_KEY, never from the command. */
export function addServerOption(command: Command): Command {
  return command.addOption(
    new Option('--server <url>', 'the Spanpatch server (default: SPANPATCH_URL, else http://127.0.0.1:8787)'),
  );
}

/** The environment variables every server command reads, for `--help`. */
export const SERVER_ENVIRONMENT_HELP = `
Environment:
  SPANPATCH_URL   the server, when --server is not given (default http://127.0.0.1:8787)
  SPANPATCH_KEY   the API key, sent as "Authorization: Bearer <key>" (needed when the server has API keys)
  NO_COLOR        set to anything to print without colours`;

/** Exit statuses, for `--help`. */
export const EXIT_STATUS_HELP = `
Exit status:
  0  everything was applied (check: nothing blocks a span)
  1  some spans failed, were blocked by errors in the sheet, or were not sent
  2  the file, the options or the server could not be used (a submit that lost its server mid-run still
     prints its results first: --json and --failed-out as at the end of a run)`;
