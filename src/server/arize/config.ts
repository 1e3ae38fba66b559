import { isIP } from 'node:net';
import type { FlightEndpointAddress } from './flight-transport';
import { withoutSecret } from './secret';

/** Arize's Flight endpoint unless ARIZE_FLIGHT_HOST / _PORT / _SCHEME say otherwise (the SDK's defaults). */
export const DEFAULT_FLIGHT_ADDRESS: FlightEndpointAddress = {
  host: 'flight.arize.com',
  port: 443,
  scheme: 'grpc+tls',
};

/** What links Spanpatch to Arize AX (SPEC §14), read from the environment. The key stays on the server. */
export interface ArizeConfig {
  /** Each linked Spanpatch project and the Arize project it writes to, in the order listed. */
  links: ReadonlyMap<string, string>;
  spaceId: string;
  apiKey: string;
  flight: FlightEndpointAddress;
}

export type ArizeConfigResult =
  /** `config` is null when SPANPATCH_ARIZE_PROJECTS is unset or blank: no project is linked. */
  | { ok: true; config: ArizeConfig | null }
  /** One line per problem, naming the variable; never the API key. */
  | { ok: false; errors: string[] };

/** The environment variables this reads. */
export type ArizeEnvironment = Partial<
  Record<
    | 'SPANPATCH_ARIZE_PROJECTS'
    | 'ARIZE_SPACE_ID'
    | 'ARIZE_API_KEY'
    | 'ARIZE_FLIGHT_HOST'
    | 'ARIZE_FLIGHT_PORT'
    | 'ARIZE_FLIGHT_SCHEME',
    string | undefined
  >
>;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function shown(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

/** `localhost`, an address in 127.0.0.0/8, or ::1 (bracketed or not). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === 'localhost') return true;
  if (isIP(bare) === 4) return bare.split('.')[0] === '127';
  if (isIP(bare) === 6) return bare === '::1' || /^(0{0,4}:){7}0{0,3}1$/.test(bare);
  return false;
}

function parseLinks(text: string, errors: string[]): Map<string, string> {
  const links = new Map<string, string>();
  text.split(',').forEach((entry, index) => {
    const where = `SPANPATCH_ARIZE_PROJECTS entry ${index + 1}`;
    const trimmed = entry.trim();
    if (trimmed === '') {
      errors.push(
        `${where} is empty: list project names separated by commas, each "name" or "name=Arize project"`,
      );
      return;
    }
    const equals = trimmed.indexOf('=');
    const name = (equals === -1 ? trimmed : trimmed.slice(0, equals)).trim();
    const arizeProject = (equals === -1 ? trimmed : trimmed.slice(equals + 1)).trim();
    if (name === '' || arizeProject === '') {
      errors.push(`${where} (${shown(trimmed)}) needs a name on both sides of "=": "name=Arize project"`);
      return;
    }
    if (CONTROL.test(name) || CONTROL.test(arizeProject)) {
      errors.push(`${where} holds a control character`);
      return;
    }
    if (links.has(name)) {
      errors.push(`${where} links project ${shown(name)} a second time: link each project once`);
      return;
    }
    links.set(name, arizeProject);
  });
  return links;
}

function parseAddress(env: ArizeEnvironment, errors: string[]): FlightEndpointAddress {
  const host = env.ARIZE_FLIGHT_HOST?.trim() || DEFAULT_FLIGHT_ADDRESS.host;
  if (
    /[\s/]|:\/\//.test(host) ||
    CONTROL.test(host) ||
    (host.includes(':') && isIP(host.replace(/^\[|\]$/g, '')) !== 6)
  ) {
    errors.push(
      `ARIZE_FLIGHT_HOST (${shown(host)}) must be a host name or address alone, such as flight.arize.com: no scheme, port or path`,
    );
  }
  const portText = env.ARIZE_FLIGHT_PORT?.trim() || String(DEFAULT_FLIGHT_ADDRESS.port);
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) {
    errors.push(`ARIZE_FLIGHT_PORT (${shown(portText)}) must be a port number from 1 to 65535`);
  }
  const scheme = env.ARIZE_FLIGHT_SCHEME?.trim() || DEFAULT_FLIGHT_ADDRESS.scheme;
  if (scheme !== 'grpc+tls' && scheme !== 'grpc') {
    errors.push(
      `ARIZE_FLIGHT_SCHEME (${shown(scheme)}) must be grpc+tls (or grpc, without TLS, for a loopback host such as localhost)`,
    );
  } else if (scheme === 'grpc' && !isLoopbackHost(host)) {
    errors.push(
      `ARIZE_FLIGHT_SCHEME is grpc (no TLS), which is allowed only for a loopback host, not ${shown(host)}: use grpc+tls`,
    );
  }
  return { host: host.replace(/^\[|\]$/g, ''), port, scheme: scheme === 'grpc' ? 'grpc' : 'grpc+tls' };
}

/**
 * Reads the Arize link from the environment (SPEC §14): SPANPATCH_ARIZE_PROJECTS (`name` or `name=Arize project`,
 * comma-separated), ARIZE_SPACE_ID, ARIZE_API_KEY, and ARIZE_FLIGHT_HOST / _PORT / _SCHEME (defaults
 * flight.arize.com, 443, grpc+tls; plain grpc only for a loopback host). No linked project: `config` is null.
 * Every problem is one line naming its variable, and no line ever holds the API key.
 */
export function parseArizeConfig(env: ArizeEnvironment): ArizeConfigResult {
  const projects = env.SPANPATCH_ARIZE_PROJECTS?.trim() ?? '';
  if (projects === '') return { ok: true, config: null };
  const apiKey = env.ARIZE_API_KEY?.trim() ?? '';
  const errors: string[] = [];
  const links = parseLinks(projects, errors);
  const spaceId = env.ARIZE_SPACE_ID?.trim() ?? '';
  if (spaceId === '') {
    errors.push(
      'ARIZE_SPACE_ID is not set: SPANPATCH_ARIZE_PROJECTS links projects to Arize AX, which needs the space ID',
    );
  } else if (CONTROL.test(spaceId)) {
    errors.push('ARIZE_SPACE_ID holds a control character');
  }
  if (apiKey === '') {
    errors.push(
      'ARIZE_API_KEY is not set: SPANPATCH_ARIZE_PROJECTS links projects to Arize AX, which needs an API key',
    );
  } else if (CONTROL.test(apiKey)) {
    errors.push('ARIZE_API_KEY holds a control character (a line break copied with it?)');
  }
  const flight = parseAddress(env, errors);
  if (errors.length > 0) return { ok: false, errors: errors.map((error) => withoutSecret(error, apiKey)) };
  return { ok: true, config: { links, spaceId, apiKey, flight } };
}
