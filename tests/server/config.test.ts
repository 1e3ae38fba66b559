import { describe, expect, it } from 'vitest';
import { DEFAULT_CORS_ORIGINS, loadConfig } from '@/server/config';
import { startServer } from '@/server/start-server';

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    expect(loadConfig({})).toEqual({
      port: 8787,
      host: null,
      dbPath: './data/spanpatch.db',
      apiKeys: [],
      corsOrigins: DEFAULT_CORS_ORIGINS,
      logLevel: 'info',
      maxBodyBytes: 50 * 1024 * 1024,
      maxBufferedBytes: 128 * 1024 * 1024,
      staticDir: null,
    });
  });

  it('reads every variable, treating empty ones as unset', () => {
    const config = loadConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      SPANPATCH_DB: '/var/lib/spanpatch/db.sqlite',
      SPANPATCH_API_KEYS: 'ci:abc,ana:def',
      SPANPATCH_CORS_ORIGINS: 'https://app.example.com, http://localhost:3000',
      LOG_LEVEL: 'debug',
      SPANPATCH_MAX_BODY_BYTES: '1000',
      SPANPATCH_STATIC_DIR: '',
    });
    expect(config).toEqual({
      port: 9000,
      host: '0.0.0.0',
      dbPath: '/var/lib/spanpatch/db.sqlite',
      apiKeys: [
        { name: 'ci', key: 'abc', access: 'write' },
        { name: 'ana', key: 'def', access: 'write' },
      ],
      corsOrigins: ['https://app.example.com', 'http://localhost:3000'],
      logLevel: 'debug',
      maxBodyBytes: 1000,
      maxBufferedBytes: 128 * 1024 * 1024,
      staticDir: null,
    });
  });

  it('lists every problem in one readable error', () => {
    expect(() =>
      loadConfig({
        PORT: 'eighty',
        SPANPATCH_API_KEYS: 'nokey',
        LOG_LEVEL: 'loud',
        SPANPATCH_CORS_ORIGINS: 'localhost',
      }),
    ).toThrow(
      /Invalid server configuration:\n {2}PORT: .+\n {2}SPANPATCH_API_KEYS: .*name:key.*\n {2}SPANPATCH_CORS_ORIGINS.0: .+\n {2}LOG_LEVEL: /,
    );
  });
});

describe('startServer', () => {
  it('refuses to listen beyond loopback without API keys', async () => {
    await expect(startServer({ dbPath: ':memory:', port: 0, host: '0.0.0.0' })).rejects.toThrow(
      /Without API keys the server listens on 127.0.0.1 only/,
    );
  });
});
