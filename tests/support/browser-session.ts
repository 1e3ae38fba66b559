import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { TestLogin } from './oidc-provider';

/** A free port on 127.0.0.1, for a server whose public URL must be known before it starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The cookies of one browser, by host: enough of a browser for the sign-in flow at the HTTP level (it keeps
 * Set-Cookie, sends them back to the same host and forgets those set to expire).
 */
export class CookieJar {
  private readonly cookies = new Map<string, Map<string, string>>();

  store(url: string, response: Response): void {
    const host = new URL(url).host;
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const equals = pair.indexOf('=');
      const name = pair.slice(0, equals).trim();
      const value = pair.slice(equals + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key = '', val = ''] = attribute.split('=').map((part) => part.trim());
        if (key.toLowerCase() === 'max-age') return Number(val) <= 0;
        if (key.toLowerCase() === 'expires') return Date.parse(val) <= Date.now();
        return false;
      });
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    this.cookies.set(host, jar);
  }

  header(url: string): string {
    const jar = this.cookies.get(new URL(url).host);
    return jar ? [...jar].map(([name, value]) => `${name}=${value}`).join('; ') : '';
  }

  get(url: string, name: string): string | undefined {
    return this.cookies.get(new URL(url).host)?.get(name);
  }

  set(url: string, name: string, value: string): void {
    const host = new URL(url).host;
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    jar.set(name, value);
    this.cookies.set(host, jar);
  }

  /** A request with this browser's cookies for its host; the answer's cookies are kept. Never follows a redirect. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookie = this.header(url);
    if (cookie !== '') headers.set('Cookie', cookie);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.store(url, response);
    return response;
  }
}

/** Where a redirect goes, as an absolute URL. */
function locationOf(url: string, response: Response): string {
  const location = response.headers.get('Location');
  if (location === null) throw new Error(`${response.status} from ${url} without a Location`);
  return new URL(location, url).toString();
}

/**
 * Follows redirects from `url` as a browser does (GET), until an answer that is not a redirect, or one to a URL
 * `stopAt` accepts (returned without being requested).
 */
export async function follow(
  jar: CookieJar,
  url: string,
  stopAt: (url: string) => boolean = () => false,
): Promise<{ url: string; response: Response | null }> {
  let current = url;
  for (let hops = 0; hops < 20; hops++) {
    if (hops > 0 && stopAt(current)) return { url: current, response: null };
    const response = await jar.fetch(current);
    if (response.status < 300 || response.status >= 400) return { url: current, response };
    await response.arrayBuffer();
    current = locationOf(current, response);
  }
  throw new Error(`Too many redirects from ${url}`);
}

/** What signing in left: the callback URL the provider sent the browser to, and Spanpatch's answer to it. */
export interface SignInResult {
  callbackUrl: string;
  /** The login cookie Spanpatch set before the provider (to replay a callback with). */
  loginCookie: string | undefined;
  response: Response;
}

/**
 * Signs in to a Spanpatch server at `serverUrl` through the provider's own login page as `login`, stopping at the
 * callback, which is then requested (its answer returned, not followed).
 */
export async function signInAs(jar: CookieJar, serverUrl: string, login: TestLogin): Promise<SignInResult> {
  const isCallback = (url: string) => url.startsWith(`${serverUrl}/auth/callback`);
  const start = await follow(jar, `${serverUrl}/auth/login`, isCallback);
  const loginCookie = jar.get(serverUrl, 'spanpatch_login');
  let callbackUrl = start.url;
  if (start.response !== null) {
    const page = await start.response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
    if (action === undefined) throw new Error(`No login form at ${start.url}: ${page.slice(0, 300)}`);
    const submitUrl = new URL(action.replace(/&amp;/g, '&'), start.url).toString();
    const submitted = await jar.fetch(submitUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ prompt: 'login', login, password: 'any password' }).toString(),
    });
    await submitted.arrayBuffer();
    const next = await follow(jar, locationOf(submitUrl, submitted), isCallback);
    if (next.response !== null) {
      throw new Error(
        `The provider did not send the browser back: ${next.response.status} ${await next.response.text()}`,
      );
    }
    callbackUrl = next.url;
  }
  const response = await jar.fetch(callbackUrl);
  return { callbackUrl, loginCookie, response };
}
