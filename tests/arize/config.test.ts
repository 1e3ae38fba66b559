import { describe, expect, it } from 'vitest';
import { isLoopbackHost, parseArizeConfig } from '@/server/arize';

const KEY = 'ak-7f3c9e1d5b2a4c68-secret';

function errorsOf(env: Parameters<typeof parseArizeConfig>[0]): string[] {
  const result = parseArizeConfig(env);
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.config)}`);
  return result.errors;
}

describe('parseArizeConfig', () => {
  it('links nothing when SPANPATCH_ARIZE_PROJECTS is unset or blank', () => {
    expect(parseArizeConfig({})).toEqual({ ok: true, config: null });
    expect(parseArizeConfig({ SPANPATCH_ARIZE_PROJECTS: '  ', ARIZE_API_KEY: KEY })).toEqual({
      ok: true,
      config: null,
    });
  });

  it('reads the links, the space, the key and the default Flight endpoint', () => {
    const result = parseArizeConfig({
      SPANPATCH_ARIZE_PROJECTS: 'demo, support=Support bot (prod) ,chat = chat-v2',
      ARIZE_SPACE_ID: ' U3BhY2U6MTIz ',
      ARIZE_API_KEY: KEY,
    });
    expect(result).toEqual({
      ok: true,
      config: {
        links: new Map([
          ['demo', 'demo'],
          ['support', 'Support bot (prod)'],
          ['chat', 'chat-v2'],
        ]),
        spaceId: 'U3BhY2U6MTIz',
        apiKey: KEY,
        flight: { host: 'flight.arize.com', port: 443, scheme: 'grpc+tls' },
      },
    });
  });

  it('takes ARIZE_FLIGHT_HOST, _PORT and _SCHEME, plain grpc only for a loopback host', () => {
    const base = { SPANPATCH_ARIZE_PROJECTS: 'demo', ARIZE_SPACE_ID: 's', ARIZE_API_KEY: KEY };
    for (const host of ['localhost', '127.0.0.1', '127.3.2.1', '::1', '[::1]']) {
      const result = parseArizeConfig({
        ...base,
        ARIZE_FLIGHT_HOST: host,
        ARIZE_FLIGHT_PORT: '8815',
        ARIZE_FLIGHT_SCHEME: 'grpc',
      });
      expect(result.ok && result.config?.flight).toEqual({
        host: host.replace(/^\[|\]$/g, ''),
        port: 8815,
        scheme: 'grpc',
      });
    }
    const tls = parseArizeConfig({ ...base, ARIZE_FLIGHT_HOST: 'flight.eu-west-1a.arize.com' });
    expect(tls.ok && tls.config?.flight).toEqual({
      host: 'flight.eu-west-1a.arize.com',
      port: 443,
      scheme: 'grpc+tls',
    });
    expect(errorsOf({ ...base, ARIZE_FLIGHT_HOST: 'flight.arize.com', ARIZE_FLIGHT_SCHEME: 'grpc' })).toEqual(
      [
        'ARIZE_FLIGHT_SCHEME is grpc (no TLS), which is allowed only for a loopback host, not "flight.arize.com": use grpc+tls',
      ],
    );
    expect(errorsOf({ ...base, ARIZE_FLIGHT_HOST: '10.0.0.5', ARIZE_FLIGHT_SCHEME: 'grpc' })).toHaveLength(1);
  });

  it('says what is wrong in one line per problem, naming the variable', () => {
    expect(errorsOf({ SPANPATCH_ARIZE_PROJECTS: 'demo' })).toEqual([
      'ARIZE_SPACE_ID is not set: SPANPATCH_ARIZE_PROJECTS links projects to Arize AX, which needs the space ID',
      'ARIZE_API_KEY is not set: SPANPATCH_ARIZE_PROJECTS links projects to Arize AX, which needs an API key',
    ]);
    const errors = errorsOf({
      SPANPATCH_ARIZE_PROJECTS: 'demo,,=x,a=,demo',
      ARIZE_SPACE_ID: 's',
      ARIZE_API_KEY: KEY,
      ARIZE_FLIGHT_HOST: 'https://flight.arize.com/',
      ARIZE_FLIGHT_PORT: '70000',
      ARIZE_FLIGHT_SCHEME: 'http',
    });
    expect(errors).toEqual([
      'SPANPATCH_ARIZE_PROJECTS entry 2 is empty: list project names separated by commas, each "name" or "name=Arize project"',
      'SPANPATCH_ARIZE_PROJECTS entry 3 ("=x") needs a name on both sides of "=": "name=Arize project"',
      'SPANPATCH_ARIZE_PROJECTS entry 4 ("a=") needs a name on both sides of "=": "name=Arize project"',
      'SPANPATCH_ARIZE_PROJECTS entry 5 links project "demo" a second time: link each project once',
      'ARIZE_FLIGHT_HOST ("https://flight.arize.com/") must be a host name or address alone, such as flight.arize.com: no scheme, port or path',
      'ARIZE_FLIGHT_PORT ("70000") must be a port number from 1 to 65535',
      'ARIZE_FLIGHT_SCHEME ("http") must be grpc+tls (or grpc, without TLS, for a loopback host such as localhost)',
    ]);
    for (const error of errors) expect(error).not.toMatch(/\n/);
  });

  it('never shows the API key, even where it was pasted into another variable', () => {
    const errors = errorsOf({
      SPANPATCH_ARIZE_PROJECTS: `demo,${KEY}=,demo`,
      ARIZE_SPACE_ID: '',
      ARIZE_API_KEY: KEY,
      ARIZE_FLIGHT_HOST: `${KEY}/x`,
      ARIZE_FLIGHT_PORT: KEY,
      ARIZE_FLIGHT_SCHEME: KEY,
    });
    expect(errors.length).toBeGreaterThanOrEqual(5);
    for (const error of errors) expect(error).not.toContain(KEY);
    expect(errors.join('\n')).toContain('[API key]');
    const controlKey = errorsOf({
      SPANPATCH_ARIZE_PROJECTS: 'demo',
      ARIZE_SPACE_ID: 's',
      ARIZE_API_KEY: `${KEY}\u0007`,
    });
    expect(controlKey).toEqual(['ARIZE_API_KEY holds a control character (a line break copied with it?)']);
  });
});

describe('isLoopbackHost', () => {
  it('knows localhost, 127.0.0.0/8 and ::1, and nothing else', () => {
    for (const host of [
      'localhost',
      'LOCALHOST',
      '127.0.0.1',
      '127.255.0.9',
      '::1',
      '[::1]',
      '0:0:0:0:0:0:0:1',
    ]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['flight.arize.com', '10.0.0.1', '128.0.0.1', '::2', 'localhost.example.com', '']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});
