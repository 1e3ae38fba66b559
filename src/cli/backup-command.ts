import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandContext } from './command-options';
import { CommandError, EXIT } from './exit-status';
import { count, countOf } from './format';
import { type CliIo, Terminal } from './terminal';

export interface BackupOptions {
  db?: string;
  force?: boolean;
}

/** The server's own default (src/server/config.ts): the file `spanpatch serve` opens without SPANPATCH_DB. */
const DEFAULT_DB = './data/spanpatch.db';

/** A path as a shell reads it: quoted when it holds anything but letters, digits and `_ . / -`. */
function shellWord(text: string): string {
  return /^[\w./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB`;
}

/** The file itself, through any symbolic link, to tell whether two paths are one file. */
function samePath(a: string, b: string): boolean {
  const real = (path: string) => (existsSync(path) ? realpathSync(path) : path);
  return real(a) === real(b);
}

/**
 * `spanpatch backup FILE`: a consistent copy of the SQLite database (`--db`, else SPANPATCH_DB, else the
 * server's default) made with SQLite's online backup, safe while a server writes to it. A PostgreSQL deployment
 * (SPANPATCH_DATABASE_URL, without `--db`) is told the pg_dump command instead: exit status 2.
 */
export async function runBackup(file: string, options: BackupOptions, io: CliIo): Promise<number> {
  const terminal = new Terminal(io);
  const destination = resolve(io.cwd, file);
  const databaseUrl = io.env.SPANPATCH_DATABASE_URL?.trim();
  if (options.db === undefined && databaseUrl) {
    throw new CommandError([
      'The server stores its data in PostgreSQL here (SPANPATCH_DATABASE_URL): back it up with pg_dump, which',
      'takes a consistent copy while servers write:',
      `  pg_dump --format=custom --file=${shellWord(file)} "$SPANPATCH_DATABASE_URL"`,
      'and restore it with pg_restore (the README says how, under "Backups and upgrades").',
    ]);
  }
  const named = options.db ?? io.env.SPANPATCH_DB?.trim() ?? DEFAULT_DB;
  const source = resolve(io.cwd, named === '' ? DEFAULT_DB : named);
  const given = options.db !== undefined ? '--db' : io.env.SPANPATCH_DB ? 'SPANPATCH_DB' : 'the default';
  if (!existsSync(source)) {
    throw new CommandError(
      `No database at ${source} (${given}): there is nothing to back up. Name the server's database with --db ` +
        'or SPANPATCH_DB.',
    );
  }
  if (statSync(source).isDirectory()) {
    throw new CommandError(`${source} (${given}) is a folder, not a database file.`);
  }
  if (samePath(source, destination)) {
    throw new CommandError(`${destination} is the database itself: name another file for the backup.`);
  }
  const replacing = existsSync(destination);
  if (replacing && options.force !== true) {
    throw new CommandError(`${destination} already exists: give --force to replace it.`);
  }
  if (!existsSync(dirname(destination)) || !statSync(dirname(destination)).isDirectory()) {
    throw new CommandError(`The folder ${dirname(destination)} does not exist: create it first.`);
  }
  // NOTE: loaded here, not at the top: the store's modules would slow every other command's start.
  const { backupSqliteDatabase, SqliteBackupError } = await import('@/server/store/sqlite/sqlite-backup');
  let backup;
  try {
    backup = await backupSqliteDatabase(source, destination, { replace: options.force === true });
  } catch (error) {
    if (error instanceof SqliteBackupError) throw new CommandError(error.message);
    throw error;
  }
  terminal.report(
    `Backed up ${source} to ${destination}${replacing ? ' (replacing the file that was there)' : ''}: ` +
      `${countOf(backup.spans, 'span')} in ${countOf(backup.projects, 'project')}, ` +
      `schema version ${count(backup.schemaVersion)}, ${megabytes(backup.bytes)}.`,
  );
  return EXIT.ok;
}

export function addBackupCommand(program: Command, context: CommandContext): void {
  program
    .command('backup')
    .summary('back up the SQLite database, also while the server writes')
    .description(
      "Copies the server's SQLite database to FILE with SQLite's online backup: one consistent copy, with every " +
        'change the server has confirmed (a plain copy of the file misses those still in its write-ahead log), ' +
        'made while the server goes on writing. To restore: stop the server, move the database and its -wal and ' +
        '-shm files away, and copy FILE in its place. With PostgreSQL (SPANPATCH_DATABASE_URL) it prints the ' +
        'pg_dump command to run instead.',
    )
    .argument('<file>', 'the backup file to write (a new file, unless --force)')
    .option('--db <file>', 'the database to back up (default: SPANPATCH_DB, else ./data/spanpatch.db)')
    .option('--force', 'replace FILE if it exists')
    .addHelpText(
      'after',
      `
Exit status 2 when the database cannot be read, FILE exists (without --force), or the data is in PostgreSQL.

Examples:
  $ spanpatch backup backups/spanpatch-$(date +%F).db
  $ SPANPATCH_DB=/var/lib/spanpatch/spanpatch.db spanpatch backup /mnt/backups/spanpatch.db --force`,
    )
    .action(async (file: string, options: BackupOptions) => {
      context.exit(await runBackup(file, options, context.io));
    });
}
