import { Injectable } from '@nestjs/common';

/** What key verification must reload: a team's keys, plans, seats, quotas and budgets, or one key outside teams. */
export type KeyStateChange = { teamId: string; apiKeyId?: undefined } | { apiKeyId: string; teamId?: undefined };

/**
 * Where changes to what key verification holds in memory are announced, synchronously: by this
 * process's commands right after they commit (so its own next verify sees them) and by the
 * `key_state` Postgres notifications (every other writer, within milliseconds).
 */
@Injectable()
export class KeyStateChanges {
  private readonly listeners: Array<(change: KeyStateChange) => void> = [];

  subscribe(listener: (change: KeyStateChange) => void): void {
    this.listeners.push(listener);
  }

  publish(change: KeyStateChange): void {
    for (const listener of this.listeners) listener(change);
  }

  /** A `key_state` notification's payload (`team:<id>` or `key:<id>`), or undefined for anything else. */
  static parse(payload: string | undefined): KeyStateChange | undefined {
    const match = /^(team|key):([0-9a-f-]{36})$/.exec(payload ?? '');
    if (!match) return undefined;
    return match[1] === 'team' ? { teamId: match[2] } : { apiKeyId: match[2] };
  }
}
