import { describe, expect, it } from 'vitest';
import { DEFAULT_CORS_ORIGINS, loadConfig } from '@/server/config';
import { clientAddress, TrustedProxies } from '@/server/http/client-address';
import { startServer } from '@/server/start-server';

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    expect(loadConfig({})).toEqual({
      port: 8787,
      host: null,
      dbPath: './data/spanpatch.db',
      databaseUrl: null,
      databaseConnections: { reads: null, writes: null },
      apiKeys: [],
      corsOrigins: [],
      logLevel: 'info',
      maxBodyBytes: 50 * 1024 * 1024,
      maxBufferedBytes: 128 * 1024 * 1024,
      staticDir: null,
      trustedProxies: [],
      seedDemo: true,
      metrics: false,
      arize: null,
    });
  });

  it("allows the Vite dev server's origins by default only in development (NODE_ENV=development)", () => {
    expect(loadConfig({ NODE_ENV: 'development' }).corsOrigins).toEqual(DEFAULT_CORS_ORIGINS);
    expect(DEFAULT_CORS_ORIGINS).toContain('http://localhost:5173');
    expect(loadConfig({ NODE_ENV: 'production' }).corsOrigins).toEqual([]);
    expect(loadConfig({ NODE_ENV: 'test' }).corsOrigins).toEqual([]);
    expect(
      loadConfig({ NODE_ENV: 'development', SPANPATCH_CORS_ORIGINS: 'https://app.example.com' }).corsOrigins,
    ).toEqual(['https://app.example.com']);
  });

  it('reads every variable, treating empty ones as unset', () => {
    const config = loadConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      SPANPATCH_DB: '/var/lib/spanpatch/db.sqlite',
      SPANPATCH_DATABASE_URL: 'postgres://spanpatch:secret@db.internal:5432/spans',
      SPANPATCH_DATABASE_READ_CONNECTIONS: '12',
      SPANPATCH_DATABASE_WRITE_CONNECTIONS: '6',
      SPANPATCH_API_KEYS: 'ci:abc,ana:def',
      SPANPATCH_CORS_ORIGINS: 'https://app.example.com, http://localhost:3000',
      LOG_LEVEL: 'debug',
      SPANPATCH_MAX_BODY_BYTES: '1000',
      SPANPATCH_STATIC_DIR: '',
      SPANPATCH_TRUSTED_PROXY: '10.0.0.0/8, 192.168.1.7,::1, fd00::/8',
      SPANPATCH_DEMO: '1',
      SPANPATCH_METRICS: '1',
    });
    expect(config).toEqual({
      port: 9000,
      host: '0.0.0.0',
      dbPath: '/var/lib/spanpatch/db.sqlite',
      databaseUrl: 'postgres://spanpatch:secret@db.internal:5432/spans',
      databaseConnections: { reads: 12, writes: 6 },
      apiKeys: [
        { name: 'ci', key: 'abc', access: 'write' },
        { name: 'ana', key: 'def', access: 'write' },
      ],
      corsOrigins: ['https://app.example.com', 'http://localhost:3000'],
      logLevel: 'debug',
      maxBodyBytes: 1000,
      maxBufferedBytes: 128 * 1024 * 1024,
      staticDir: null,
      trustedProxies: ['10.0.0.0/8', '192.168.1.7', '::1', 'fd00::/8'],
      seedDemo: true,
      metrics: true,
      arize: null,
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

  it('refuses a trusted proxy that is not an address or a CIDR range, naming it', () => {
    for (const entry of ['10.0.0.0/33', 'proxy.internal', '10.0.0', '::1/129', '10.0.0.0/']) {
      expect(() => loadConfig({ SPANPATCH_TRUSTED_PROXY: `127.0.0.1, ${entry}` })).toThrow(
        new RegExp(`SPANPATCH_TRUSTED_PROXY: '${entry.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}' is not`),
      );
    }
  });

  it('takes postgresql:// as well as postgres://, and never repeats a refused URL with its password', () => {
    expect(loadConfig({ SPANPATCH_DATABASE_URL: 'postgresql://db/spans' }).databaseUrl).toBe(
      'postgresql://db/spans',
    );
    const refused = () => loadConfig({ SPANPATCH_DATABASE_URL: 'postgres:/typo:secret@db/spans' });
    expect(refused).toThrow(/SPANPATCH_DATABASE_URL: must be a PostgreSQL URL/);
    expect(refused).not.toThrow(/secret/);
  });

  it('refuses a PostgreSQL pool size that is not a whole number of connections, naming the variable', () => {
    for (const size of ['0', 'eight', '2.5']) {
      expect(() => loadConfig({ SPANPATCH_DATABASE_WRITE_CONNECTIONS: size })).toThrow(
        /SPANPATCH_DATABASE_WRITE_CONNECTIONS: /,
      );
      expect(() => loadConfig({ SPANPATCH_DATABASE_READ_CONNECTIONS: size })).toThrow(
        /SPANPATCH_DATABASE_READ_CONNECTIONS: /,
      );
    }
  });
});

describe('the client address, by SPANPATCH_TRUSTED_PROXY', () => {
  const proxies = new TrustedProxies(['10.0.0.0/8', '192.168.1.7', 'fd00::/8']);

  it('is the socket address unless the socket is a trusted proxy', () => {
    expect(clientAddress('203.0.113.9', '198.51.100.1', proxies)).toBe('203.0.113.9');
    expect(clientAddress('203.0.113.9', undefined, new TrustedProxies([]))).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.5', '198.51.100.1', new TrustedProxies([]))).toBe('10.0.0.5');
    expect(clientAddress(undefined, '198.51.100.1', proxies)).toBe('unknown');
  });

  it('walks X-Forwarded-For from the right, past trusted proxies, to the first address that is not one', () => {
    expect(clientAddress('10.0.0.5', '198.51.100.1', proxies)).toBe('198.51.100.1');
    expect(clientAddress('10.0.0.5', '6.6.6.6, 198.51.100.1, 192.168.1.7', proxies)).toBe('198.51.100.1');
    expect(clientAddress('::ffff:10.0.0.5', ' 198.51.100.1 ,10.9.9.9', proxies)).toBe('198.51.100.1');
    expect(clientAddress('fd00::1', '2001:db8::7', proxies)).toBe('2001:db8::7');
    expect(clientAddress('10.0.0.5', '[2001:db8::7]:4711, 198.51.100.2:80', proxies)).toBe('198.51.100.2');
    // Every hop trusted: the leftmost one is the client; no header: the proxy itself.
    expect(clientAddress('10.0.0.5', '10.1.1.1, 192.168.1.7', proxies)).toBe('10.1.1.1');
    expect(clientAddress('10.0.0.5', undefined, proxies)).toBe('10.0.0.5');
    expect(clientAddress('10.0.0.5', ' , ', proxies)).toBe('10.0.0.5');
  });
});

describe('startServer', () => {
  it('refuses to listen beyond loopback without API keys', async () => {
    await expect(startServer({ dbPath: ':memory:', port: 0, host: '0.0.0.0' })).rejects.toThrow(
      /Without API keys the server listens on 127.0.0.1 only/,
    );
  });
});
