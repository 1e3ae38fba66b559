import type { Command } from 'commander';
import { loadFromArize } from '@/client';
import { loadParts, MAX_LOAD_DAYS, sinceTime } from '@/core/api';
import { loadCountsText } from '@/core/words';
import {
  addServerOption,
  type CommandContext,
  SERVER_ENVIRONMENT_HELP,
  type ServerOptions,
} from './command-options';
import { connectionFrom, requestProblem } from './connection';
import { CommandError, EXIT } from './exit-status';
import { count, countOf } from './format';
import { projectTargetLine } from './project-target';
import { type CliIo, Terminal } from './terminal';

export interface LoadOptions extends ServerOptions {
  project: string;
  since: string;
  until?: string;
  json?: boolean;
}

/**
 * `spanpatch load --project P --since 24h`: loads a window's spans of a project linked to Arize AX into
 * Spanpatch's copy (SPEC §14), part by part (hours, or days for a window over two days), saying how far it is.
 * A span the copy already holds takes Arize's metadata (Arize is the system of record; no history is recorded); a
 * second run of the same window changes nothing.
 */
export async function runLoad(options: LoadOptions, io: CliIo): Promise<number> {
  const terminal = new Terminal(io, { json: options.json === true });
  const connection = connectionFrom(options.server, io.env);
  const now = new Date();
  const start = sinceTime(options.since, now);
  if (start === null) {
    throw new CommandError(
      `--since "${options.since}" is neither a duration back from now (30m, 24h, 7d) nor an ISO 8601 time (2026-03-01T00:00:00Z).`,
    );
  }
  const end = options.until === undefined ? now : sinceTime(options.until, now);
  if (end === null) {
    throw new CommandError(
      `--until "${options.until}" is not an ISO 8601 time (2026-03-02T00:00:00Z) or a duration back from now.`,
    );
  }
  if (end.getTime() <= start.getTime())
    throw new CommandError('The window is empty: --since must be before --until.');
  if (end.getTime() - start.getTime() > MAX_LOAD_DAYS * 86_400_000) {
    throw new CommandError(
      `A load reads at most ${MAX_LOAD_DAYS} days at a time: shorten --since, or set --until.`,
    );
  }
  const target = await projectTargetLine(options.project, connection);
  if (target !== null) terminal.note(target);
  const parts = loadParts(start, end);
  let loaded = 0;
  const copy = { spans_new: 0, spans_updated: 0, spans_unchanged: 0 };
  for (const [index, part] of parts.entries()) {
    try {
      const answer = await loadFromArize(
        options.project,
        { start: part.start.toISOString(), end: part.end.toISOString() },
        connection,
      );
      loaded += answer.spans_loaded;
      copy.spans_new += answer.spans_new ?? 0;
      copy.spans_updated += answer.spans_updated ?? 0;
      copy.spans_unchanged += answer.spans_unchanged ?? 0;
    } catch (error) {
      throw requestProblem(
        error,
        connection,
        `Loading ${options.project} from Arize AX (${count(loaded)} spans loaded so far)`,
      );
    }
    terminal.note(
      `Loading ${options.project} from Arize AX: ${count(index + 1)} of ${countOf(parts.length, 'part')} · ${countOf(loaded, 'span')} loaded`,
    );
  }
  if (options.json === true) {
    terminal.json({
      spans_loaded: loaded,
      ...copy,
      start: start.toISOString(),
      end: end.toISOString(),
    });
    return EXIT.ok;
  }
  terminal.report(
    `Loaded ${countOf(loaded, 'span')} of ${options.project} from Arize AX: ${loadCountsText({ spans_loaded: loaded, ...copy })}, ${start.toISOString()} to ${end.toISOString()}. Spans Spanpatch's copy already held took Arize's metadata.`,
  );
  return EXIT.ok;
}

export function addLoadCommand(program: Command, context: CommandContext): void {
  addServerOption(
    program
      .command('load')
      .summary("load a linked project's spans from Arize AX into Spanpatch's copy")
      .description(
        "Reads a window's spans (IDs, trace, parent, name, kind, times, metadata) of a project linked to Arize AX " +
          "and stores them in Spanpatch's copy, so Preview can predict and History can show before and after. " +
          "A span the copy already holds takes Arize's metadata; running it again changes nothing. At most 31 days at a time.",
      )
      .requiredOption(
        '--project <project>',
        'the Spanpatch project linked to Arize (SPANPATCH_ARIZE_PROJECTS)',
      )
      .requiredOption(
        '--since <when>',
        'the start: a duration back from now (30m, 24h, 7d) or an ISO 8601 time',
      )
      .option('--until <when>', 'the end, as --since (default: now)')
      .option(
        '--json',
        'print { spans_loaded, spans_new, spans_updated, spans_unchanged, start, end } and nothing else on standard output',
      ),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ spanpatch load --project support-bot --since 24h
  $ spanpatch load --project support-bot --since 2026-03-01T00:00:00Z --until 2026-03-08T00:00:00Z
${SERVER_ENVIRONMENT_HELP}`,
    )
    .action(async (options: LoadOptions) => {
      context.exit(await runLoad(options, context.io));
    });
}
