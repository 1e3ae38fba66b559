import { describe, expect, it } from 'vitest';
import { DEFAULT_CORS_ORIGINS, loadConfig } from '@/server/config';
import { startServer } from '@/server/start-server';

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    expect(loadConfig({})).toEqual({
      port: 8787,
      host: null,
      dbPath: './data/spanpatch.db',
      databaseUrl: null,
      apiKeys: [],
      corsOrigins: DEFAULT_CORS_ORIGINS,
      logLevel: 'info',
      maxBodyBytes: 50 * 1024 * 1024,
      maxBufferedBytes: 128 * 1024 * 1024,
      staticDir: null,
      seedDemo: true,
      metrics: false,
    });
  });

  it('reads every variable, treating empty ones as unset', () => {
    const config = loadConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      SPANPATCH_DB: '/var/lib/spanpatch/db.sqlite',
      SPANPATCH_DATABASE_URL: 'postgres://spanpatch:secret@db.internal:5432/spans',
      SPANPATCH_API_KEYS: 'ci:abc,ana:def',
      SPANPATCH_CORS_ORIGINS: 'https://app.example.com, http://localhost:3000',
      LOG_LEVEL: 'debug',
      SPANPATCH_MAX_BODY_BYTES: '1000',
      SPANPATCH_STATIC_DIR: '',
      SPANPATCH_DEMO: '1',
      SPANPATCH_METRICS: '1',
    });
    expect(config).toEqual({
      port: 9000,
      host: '0.0.0.0',
      dbPath: '/var/lib/spanpatch/db.sqlite',
      databaseUrl: 'postgres://spanpatch:secret@db.internal:5432/spans',
      apiKeys: [
        { name: 'ci', key: 'abc', access: 'write' },
        { name: 'ana', key: 'def', access: 'write' },
      ],
      corsOrigins: ['https://app.example.com', 'http://localhost:3000'],
      logLevel: 'debug',
      maxBodyBytes: 1000,
      maxBufferedBytes: 128 * 1024 * 1024,
      staticDir: null,
      seedDemo: true,
      metrics: true,
    });
  });

  it('seeds the demo project by default on the embedded SQLite database only, unless SPANPATCH_DEMO says', () => {
    const postgres = 'postgres://spanpatch@db.internal:5432/spans';
    expect(loadConfig({}).seedDemo).toBe(true);
    expect(loadConfig({ SPANPATCH_DATABASE_URL: postgres }).seedDemo).toBe(false);
    expect(loadConfig({ SPANPATCH_DEMO: '0' }).seedDemo).toBe(false);
    expect(loadConfig({ SPANPATCH_DEMO: '1', SPANPATCH_DATABASE_URL: postgres }).seedDemo).toBe(true);
    expect(loadConfig({ SPANPATCH_DEMO: '', SPANPATCH_DATABASE_URL: postgres }).seedDemo).toBe(false);
  });

  it('takes only 0 or 1 for SPANPATCH_DEMO and SPANPATCH_METRICS, saying what each means', () => {
    expect(() => loadConfig({ SPANPATCH_DEMO: 'yes', SPANPATCH_METRICS: 'on' })).toThrow(
      'Invalid server configuration:\n' +
        '  SPANPATCH_DEMO: must be 0 or 1 (1 seeds the demo project on an empty database, 0 never does)\n' +
        '  SPANPATCH_METRICS: must be 0 or 1 (1 serves GET /metrics, 0 does not)',
    );
  });

  it('lists every problem in one readable error', () => {
    expect(() =>
      loadConfig({
        PORT: 'eighty',
        SPANPATCH_DATABASE_URL: 'mysql://someone:secret@db.example/spans',
        SPANPATCH_API_KEYS: 'nokey',
        LOG_LEVEL: 'loud',
        SPANPATCH_CORS_ORIGINS: 'localhost',
      }),
    ).toThrow(
      /Invalid server configuration:\n {2}PORT: .+\n {2}SPANPATCH_DATABASE_URL: must be a PostgreSQL URL such as postgres:\/\/.+\n {2}SPANPATCH_API_KEYS: .*name:key.*\n {2}SPANPATCH_CORS_ORIGINS.0: .+\n {2}LOG_LEVEL: /,
    );
  });

  it('takes postgresql:// as well as postgres://, and never repeats a refused URL with its password', () => {
    expect(loadConfig({ SPANPATCH_DATABASE_URL: 'postgresql://db/spans' }).databaseUrl).toBe(
      'postgresql://db/spans',
    );
    const refused = () => loadConfig({ SPANPATCH_DATABASE_URL: 'postgres:/typo:secret@db/spans' });
    expect(refused).toThrow(/SPANPATCH_DATABASE_URL: must be a PostgreSQL URL/);
    expect(refused).not.toThrow(/secret/);
  });
});

describe('startServer', () => {
  it('refuses to listen beyond loopback without API keys', async () => {
    await expect(startServer({ dbPath: ':memory:', port: 0, host: '0.0.0.0' })).rejects.toThrow(
      /Without API keys the server listens on 127.0.0.1 only/,
    );
  });
});
