import { BlockList, isIP } from 'node:net';
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';

/** An IPv4 address written as IPv6 (`::ffff:10.0.0.5`), as a dual-stack socket reports IPv4 peers. */
const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** An address without its IPv4-mapped IPv6 form, so `::ffff:10.0.0.5` is `10.0.0.5`. */
function plainAddress(address: string): string {
  return IPV4_MAPPED.exec(address)?.[1] ?? address;
}

/**
 * Reads SPANPATCH_TRUSTED_PROXY: the addresses of the proxies (load balancers) in front of the server, as
 * comma-separated IP addresses and CIDR ranges (`10.0.0.0/8, 192.168.1.7, fd00::/8`). Returns the entries, trimmed;
 * throws with a message naming the first entry that is neither.
 */
export function parseTrustedProxies(text: string): string[] {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of entries) {
    if (rangeOf(entry) === null) {
      throw new Error(
        `'${entry}' is not an IP address or a CIDR range such as 10.0.0.0/8 (list the proxies' addresses, comma-separated)`,
      );
    }
  }
  return entries;
}

/** An address or CIDR range as BlockList takes it, or null when the text is neither. */
function rangeOf(entry: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const slash = entry.indexOf('/');
  const address = plainAddress(slash < 0 ? entry : entry.slice(0, slash));
  const version = isIP(address);
  if (version === 0) return null;
  const bits = version === 4 ? 32 : 128;
  if (slash < 0) return { address, prefix: bits, family: version === 4 ? 'ipv4' : 'ipv6' };
  const prefixText = entry.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) return null;
  return { address, prefix: Number(prefixText), family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** The proxies whose `X-Forwarded-For` the server believes; none by default. */
export class TrustedProxies {
  private readonly ranges = new BlockList();
  readonly empty: boolean;

  /** `entries` as `parseTrustedProxies` returns them; an entry that is not an address or range is ignored. */
  constructor(entries: readonly string[]) {
    this.empty = entries.length === 0;
    for (const entry of entries) {
      const range = rangeOf(entry);
      if (range) this.ranges.addSubnet(range.address, range.prefix, range.family);
    }
  }

  /** True when the address is one of the trusted proxies. */
  has(address: string): boolean {
    if (this.empty) return false;
    const plain = plainAddress(address);
    const version = isIP(plain);
    if (version === 0) return false;
    return this.ranges.check(plain, version === 4 ? 'ipv4' : 'ipv6');
  }
}

/** One `X-Forwarded-For` entry without the port or brackets some proxies add (`[2001:db8::7]:4711`, `1.2.3.4:80`). */
function forwardedAddress(entry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  if (bracketed?.[1]) return bracketed[1];
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(entry);
  return withPort?.[1] ?? entry;
}

/**
 * The address of the client that sent a request: the socket's peer, unless that peer is a trusted proxy; then
 * `X-Forwarded-For` is read from the right (each proxy appends the address it saw), skipping trusted proxies, and
 * the first address that is not one is the client (the leftmost when all are). NOTE: entries left of that one are
 * whatever the client wrote, so they are never believed; without trusted proxies the header is ignored, or a
 * client could pick any address to escape the per-address limits.
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | undefined,
  trusted: TrustedProxies,
): string {
  if (socketAddress === undefined) return 'unknown';
  let client = plainAddress(socketAddress);
  if (!trusted.has(client) || forwardedFor === undefined) return client;
  const hops = forwardedFor
    .split(',')
    .map((entry) => forwardedAddress(entry.trim()))
    .filter((entry) => entry !== '');
  for (let index = hops.length - 1; index >= 0; index--) {
    client = plainAddress(hops[index] ?? client);
    if (!trusted.has(client)) return client;
  }
  return client;
}

/** The address of the socket's peer of a request: the client, or the proxy in front of it. */
export function socketAddressOf(c: Context): string | undefined {
  const env = c.env as Partial<HttpBindings> | undefined;
  return env?.incoming?.socket?.remoteAddress;
}

/** The address of the client of a request (see `clientAddress`). */
export function clientAddressOf(c: Context, trusted: TrustedProxies): string {
  return clientAddress(socketAddressOf(c), c.req.header('X-Forwarded-For'), trusted);
}
