import { type ChildProcess, spawn } from 'node:child_process';

/** A real server process (`src/server/main.ts`), as `npm start` runs it. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything it wrote to stderr so far: its warnings, and the reason if it died. */
  stderr(): string;
  /** True while the process runs. */
  alive(): boolean;
}

/**
 * Starts a server process on a free port with the given environment (beside PATH, PORT=0 and LOG_LEVEL=warn),
 * and resolves once it prints the URL it listens at.
 */
export function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${errors}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Spanpatch is running at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({
          url: match[1],
          child,
          stderr: () => errors,
          alive: () => child.exitCode === null && child.signalCode === null,
        });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}: ${errors}`));
    });
  });
}

/** Stops a server process with SIGTERM (a graceful shutdown) and waits for it to exit. */
export function stopServerProcess(server: ServerProcess | undefined): Promise<void> {
  if (!server || !server.alive()) return Promise.resolve();
  return new Promise((resolve) => {
    server.child.once('exit', () => resolve());
    server.child.kill('SIGTERM');
  });
}
