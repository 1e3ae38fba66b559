import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';

/** Which file a path named when the database was opened: its device and inode. */
export interface FileIdentity {
  dev: number;
  ino: number;
}

/** The file a database path names now; null for an in-memory database or a path that names nothing. */
export function fileIdentityOf(path: string): FileIdentity | null {
  if (path === '' || path === ':memory:') return null;
  try {
    const { dev, ino } = statSync(path);
    return { dev, ino };
  } catch {
    return null;
  }
}

/**
 * What is wrong when the database's path no longer names the file the server opened (moved, deleted or replaced
 * while the server ran); null while it does. NOTE: the server keeps the file it opened, so reads and writes still
 * work, but they would be lost to the next start: readiness says so at once.
 */
export async function databaseFileProblem(path: string, opened: FileIdentity | null): Promise<string | null> {
  if (opened === null) return null;
  try {
    const now = await stat(path);
    if (now.dev === opened.dev && now.ino === opened.ino) return null;
    return `The database file ${path} was replaced by another file while the server ran. Put the original back, or restart the server to open the new one.`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return `The database file ${path} is missing: it was moved or deleted while the server ran. Put it back; the server answers again as soon as it is there.`;
    }
    const why = error instanceof Error ? error.message : String(error);
    return `The database file ${path} cannot be found by the server: ${why}`;
  }
}
