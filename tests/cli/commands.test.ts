import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, tempFolder } from './cli-process';

let folder: Awaited<ReturnType<typeof tempFolder>>;

beforeAll(async () => {
  folder = await tempFolder();
});

afterAll(async () => {
  await folder.remove();
});

describe('the spanpatch command', () => {
  it.each(['serve', 'check', 'preview', 'submit', 'history', 'revert', 'backup'])(
    'explains %s with --help',
    async (command) => {
      const run = await runCli([command, '--help'], { cwd: folder.dir });
      expect(run.status).toBe(0);
      expect(run.stdout).toContain(`Usage: spanpatch ${command}`);
      expect(run.stdout).toContain('Examples:');
      expect(run.stderr).toBe('');
    },
  );

  it('lists its commands, and exits 2 without one', async () => {
    const help = await runCli(['--help'], { cwd: folder.dir });
    expect(help.status).toBe(0);
    for (const command of ['serve', 'check', 'preview', 'submit', 'history', 'revert', 'backup']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
    const none = await runCli([], { cwd: folder.dir });
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('Usage: spanpatch');
    const unknown = await runCli(['frobnicate'], { cwd: folder.dir });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const missing = await runCli(['submit', 'x.csv'], { cwd: folder.dir });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("required option '--project <project>' not specified");
  });

  it('serves the API as npm start does, and stops on Ctrl+C', async () => {
    const serve = startCli(['serve', '--no-ui', '--port', '0', '--db', join(folder.dir, 'serve.db')], {
      cwd: folder.dir,
      env: { LOG_LEVEL: 'silent' },
    });
    let url: string | undefined;
    while (url === undefined) {
      const exited = await Promise.race([serve.finished, new Promise((resolve) => setTimeout(resolve, 100))]);
      if (exited) throw new Error(`serve exited: ${JSON.stringify(exited)}`);
      url = /Spanpatch is running at (http:\/\/\S+) \(API only\)/.exec(serve.stdout)?.[1];
    }
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const projects = (await (await fetch(`${url}/api/v1/projects`)).json()) as {
      projects: { name: string }[];
    };
    expect(projects.projects.map((project) => project.name)).toContain('demo');
    serve.child.kill('SIGINT');
    expect((await serve.finished).status).toBe(0);
  });
});
