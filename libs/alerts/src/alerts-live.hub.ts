import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ForbiddenError } from '@app/auth';
import { RateLimitedError } from '@app/errors';
import { LiveSubscriber } from '@app/analytics';
import { logger } from '@app/observability';
import { AlertEventRepository, AlertEventRow } from './persistence';

export const ALERTS_POLL_MS = 1_000;
export const MAX_ALERT_SUBSCRIPTIONS_PER_USER = 20;
const RETRY_S = 5;
/** a subscriber that does not read keeps at most this many events; past it the oldest go (they stay in alertEvents) */
const MAX_QUEUED = 1_000;

export type AlertUpdate = AlertEventRow | ForbiddenError;

type AlertSubscriber = LiveSubscriber<AlertEventRow>;

interface Channel {
  teamId: string | null;
  lastSeq: Promise<string>;
  subscribers: Set<AlertSubscriber>;
  timer?: NodeJS.Timeout;
}

/**
 * The `alerts` subscription, in the pattern of live usage: one Postgres poll per second per
 * scope (a team, or the platform), shared by its subscribers, reading alert events committed
 * since the last poll, so events raised by any process reach every subscriber. Before each
 * push the subscriber's access is checked again; one whose access ended gets FORBIDDEN and
 * the subscription completes.
 */
@Injectable()
export class AlertsLiveHub implements OnModuleDestroy {
  private readonly channels = new Map<string, Channel>();
  private readonly perUser = new Map<string, number>();
  private readonly events: AlertEventRepository;

  constructor(@InjectDataSource() postgres: DataSource) {
    this.events = new AlertEventRepository(postgres);
  }

  subscribe(
    teamId: string | null,
    userId: string,
    stillAllowed: () => Promise<boolean>,
  ): AsyncIterableIterator<AlertUpdate> {
    const ofUser = this.perUser.get(userId) ?? 0;
    if (ofUser >= MAX_ALERT_SUBSCRIPTIONS_PER_USER) {
      throw new RateLimitedError(`at most ${MAX_ALERT_SUBSCRIPTIONS_PER_USER} alert subscriptions per user`, RETRY_S);
    }
    this.perUser.set(userId, ofUser + 1);
    const key = teamId ?? '';
    let channel = this.channels.get(key);
    if (!channel) {
      // events from now on: what came before is in alertEvents
      channel = { teamId, lastSeq: this.events.lastSeq(teamId), subscribers: new Set() };
      this.channels.set(key, channel);
      this.schedule(key, channel);
    }
    const ch = channel;
    const subscriber: AlertSubscriber = new LiveSubscriber(
      stillAllowed,
      () => {
        const left = (this.perUser.get(userId) ?? 1) - 1;
        if (left > 0) this.perUser.set(userId, left);
        else this.perUser.delete(userId);
        ch.subscribers.delete(subscriber);
        if (ch.subscribers.size === 0) {
          clearTimeout(ch.timer);
          this.channels.delete(key);
        }
      },
      MAX_QUEUED,
    );
    ch.subscribers.add(subscriber);
    return subscriber;
  }

  private schedule(key: string, channel: Channel): void {
    channel.timer = setTimeout(() => void this.poll(key, channel), ALERTS_POLL_MS);
  }

  private async poll(key: string, channel: Channel): Promise<void> {
    try {
      const rows = await this.events.after(channel.teamId, await channel.lastSeq, 500);
      if (rows.length) {
        channel.lastSeq = Promise.resolve(rows[rows.length - 1].seq);
        await Promise.all([...channel.subscribers].map((s) => this.deliver(s, rows)));
      }
    } catch (error) {
      logger.warn('alerts subscription poll failed', { error: String(error) });
    }
    if (this.channels.get(key) === channel) this.schedule(key, channel);
  }

  private async deliver(subscriber: AlertSubscriber, rows: AlertEventRow[]): Promise<void> {
    let allowed = false;
    try {
      allowed = await subscriber.stillAllowed();
    } catch (error) {
      logger.warn('alerts subscription access check failed; ending it', { error: String(error) });
    }
    if (!allowed) return subscriber.end(new ForbiddenError('your access to these alerts ended'));
    for (const row of rows) subscriber.push(row);
  }

  onModuleDestroy(): void {
    for (const channel of this.channels.values()) clearTimeout(channel.timer);
    this.channels.clear();
  }
}
