import { BlockList, isIP } from 'node:net';
import { lookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import * as dns from 'node:dns';
import { BadUserInputError } from '@app/errors';

/** Addresses a webhook must not reach (server-side request forgery): loopback, private, link-local, and the like. */
const FORBIDDEN = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  FORBIDDEN.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) {
  FORBIDDEN.addSubnet(net, prefix, 'ipv6');
}

export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return FORBIDDEN.check(address, 'ipv4');
  if (family !== 6) return true;
  // an IPv4 address written as IPv6 (::ffff:127.0.0.1) is checked as the IPv4 address it is
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return FORBIDDEN.check(mapped[1], 'ipv4');
  return FORBIDDEN.check(address, 'ipv6');
}

/**
 * Checks a webhook URL when it is registered and decides where a delivery may connect: http or
 * https only, no credentials in it, and every address its host resolves to public, unless the
 * host is on the configured allow-list (WEBHOOK_ALLOWED_HOSTS, e.g. a local test receiver).
 * The same check runs again at connection time (`lookup`), so a name that resolves elsewhere
 * later (DNS rebinding) is refused then too.
 */
export class WebhookUrlGuard {
  private readonly allowed: Set<string>;

  constructor(allowedHosts: readonly string[]) {
    this.allowed = new Set(allowedHosts.map((h) => h.toLowerCase()));
  }

  async check(raw: string): Promise<URL> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new BadUserInputError('url: not a URL');
    }
    if (raw.length > 2048) throw new BadUserInputError('url: at most 2048 characters');
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BadUserInputError('url: http or https only');
    if (url.username || url.password) throw new BadUserInputError('url: must not carry credentials');
    const host = hostOf(url);
    if (this.allowed.has(host)) return url;
    let addresses: string[];
    try {
      addresses = isIP(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      throw new BadUserInputError(`url: the host ${host} does not resolve`);
    }
    if (addresses.length === 0 || addresses.some(isForbiddenAddress)) {
      throw new BadUserInputError('url: refers to a private, loopback or link-local address');
    }
    return url;
  }

  /** A DNS lookup for the delivery's connection that refuses forbidden addresses (unless the host is allowed). */
  lookupFor(url: URL): LookupFunction {
    const allowed = this.allowed.has(hostOf(url));
    return (hostname, options, callback) => {
      dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
        if (error) return callback(error, '', 0);
        const list = addresses;
        const refused = !allowed && list.some((a) => isForbiddenAddress(a.address));
        if (refused || list.length === 0) {
          return callback(new Error(`refused: ${hostname} resolves to a forbidden address`), '', 0);
        }
        if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
        return callback(null, list[0].address, list[0].family);
      });
    };
  }
}

/** The host as compared and resolved: lower case, IPv6 without brackets. */
function hostOf(url: URL): string {
  return url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
}
