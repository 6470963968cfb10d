import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { BadUserInputError } from '@app/errors';

const MAC_BYTES = 16;

/** A JSON value with its object keys sorted and null/undefined members dropped: one text per meaning. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined && v !== null)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/** The fingerprint of a list's question (its filter and order): a cursor answers only the question it was made for. */
export function listFingerprint(question: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(question)))
    .digest('base64url')
    .slice(0, 22);
}

/**
 * Opaque, signed cursors: `base64url(JSON [fingerprint, position]) . base64url(HMAC)`. The MAC
 * makes an edited cursor fail as a whole (never a half-parsed position), and the fingerprint
 * refuses a cursor of one filter or order under another. The position holds values of the
 * caller's own rows only; the signature is about integrity, not secrecy.
 */
@Injectable()
export class ListCursors {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'cursors'>) {
    // a random key per process when none is configured: cursors do not outlive the process
    this.key = config.cursors.secret ? Buffer.from(config.cursors.secret) : randomBytes(32);
  }

  encode(fingerprint: string, position: unknown[]): string {
    const body = Buffer.from(JSON.stringify([fingerprint, position])).toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  /** The position of a cursor made for this fingerprint, or BAD_USER_INPUT. */
  decode(cursor: string, fingerprint: string): unknown[] {
    const [body, mac, extra] = cursor.split('.');
    const given = Buffer.from(mac ?? '', 'base64url');
    if (extra !== undefined || !body || given.length !== MAC_BYTES || !timingSafeEqual(given, this.mac(body)))
      throw new BadUserInputError('after: not a cursor of this list');
    const [madeFor, position] = JSON.parse(Buffer.from(body, 'base64url').toString()) as [string, unknown[]];
    if (madeFor !== fingerprint || !Array.isArray(position))
      throw new BadUserInputError('after: a cursor of another filter or order; start again without it');
    return position;
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.key).update(body).digest().subarray(0, MAC_BYTES);
  }
}
