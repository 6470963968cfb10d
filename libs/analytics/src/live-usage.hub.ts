import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { ForbiddenError } from '@app/auth';
import { RateLimitedError } from '@app/errors';
import { logger } from '@app/observability';
import { UsageFilterInput } from './dto/usage-filter.input';
import { AccessCheck, LiveSubscriber } from './live-subscriber';
import { UsageSummary } from './dto/usage-summary.type';
import { UsageQueries } from './usage-queries';

export const LIVE_POLL_MS = 1_000;
export const MAX_LIVE_PER_CONNECTION = 10;
export const MAX_LIVE_PER_USER = 20;
// a slot frees when another subscription of the connection or user ends: no schedule to promise
const LIVE_RETRY_S = 5;

/** What a subscriber is pushed: a summary, or the end of its access (resolved into a FORBIDDEN error). */
export type LiveUpdate = UsageSummary | ForbiddenError;

// only the newest summary matters to a reader that fell behind
const KEEP_NEWEST = 1;

type Subscriber = LiveSubscriber<UsageSummary>;

interface Channel {
  filter: UsageFilterInput;
  subscribers: Set<Subscriber>;
  timer?: NodeJS.Timeout;
  last?: UsageSummary;
  lastJson?: string;
}

export interface LiveSubscription {
  /** access-scoped already */
  filter: UsageFilterInput;
  userId: string;
  /** one object per graphql-ws connection */
  connection: object;
  stillAllowed: AccessCheck;
}

/**
 * Live mode: one ClickHouse poll per second per distinct (already access-scoped) filter, shared
 * by all its subscribers; a subscriber gets the current summary at once and every change after,
 * each only after its access is checked again (a demoted admin or revoked token stops getting
 * usage at the next push). Subscriptions are capped per connection and per user.
 */
@Injectable()
export class LiveUsageHub implements OnModuleDestroy {
  private readonly channels = new Map<string, Channel>();
  private readonly perUser = new Map<string, number>();
  private readonly perConnection = new WeakMap<object, number>();
  private readonly polls: Gauge;

  constructor(
    private readonly queries: UsageQueries,
    registry: Registry,
  ) {
    this.polls = new Gauge({
      name: 'usage_live_channels',
      help: 'Distinct live filters being polled',
      registers: [registry],
    });
  }

  get channelCount(): number {
    return this.channels.size;
  }

  subscribe({ filter, userId, connection, stillAllowed }: LiveSubscription): AsyncIterableIterator<LiveUpdate> {
    const onConnection = this.perConnection.get(connection) ?? 0;
    const ofUser = this.perUser.get(userId) ?? 0;
    if (onConnection >= MAX_LIVE_PER_CONNECTION) {
      throw new RateLimitedError(`at most ${MAX_LIVE_PER_CONNECTION} live subscriptions per connection`, LIVE_RETRY_S);
    }
    if (ofUser >= MAX_LIVE_PER_USER) {
      throw new RateLimitedError(`at most ${MAX_LIVE_PER_USER} live subscriptions per user`, LIVE_RETRY_S);
    }
    this.perConnection.set(connection, onConnection + 1);
    this.perUser.set(userId, ofUser + 1);

    const key = JSON.stringify(filter);
    let channel = this.channels.get(key);
    if (!channel) {
      channel = { filter, subscribers: new Set() };
      this.channels.set(key, channel);
      this.polls.set(this.channels.size);
      this.schedule(key, channel, 0);
    }
    const ch = channel;
    const subscriber: Subscriber = new LiveSubscriber(
      stillAllowed,
      () => {
        this.perConnection.set(connection, (this.perConnection.get(connection) ?? 1) - 1);
        const left = (this.perUser.get(userId) ?? 1) - 1;
        if (left > 0) this.perUser.set(userId, left);
        else this.perUser.delete(userId);
        ch.subscribers.delete(subscriber);
        if (ch.subscribers.size === 0) {
          clearTimeout(ch.timer);
          this.channels.delete(key);
          this.polls.set(this.channels.size);
        }
      },
      KEEP_NEWEST,
    );
    ch.subscribers.add(subscriber);
    if (ch.last) void this.deliver(subscriber, ch.last);
    return subscriber;
  }

  private async deliver(subscriber: Subscriber, summary: UsageSummary): Promise<void> {
    let allowed = false;
    try {
      allowed = await subscriber.stillAllowed();
    } catch (error) {
      logger.warn('live usage access check failed; ending the subscription', { error: String(error) });
    }
    if (allowed) subscriber.push(summary);
    else subscriber.end(new ForbiddenError('your access to this usage ended'));
  }

  private schedule(key: string, channel: Channel, delay: number): void {
    channel.timer = setTimeout(() => void this.poll(key, channel), delay);
  }

  private async poll(key: string, channel: Channel): Promise<void> {
    try {
      const summary = await this.queries.summary(channel.filter);
      const json = JSON.stringify(summary);
      if (json !== channel.lastJson) {
        channel.last = summary;
        channel.lastJson = json;
        await Promise.all([...channel.subscribers].map((s) => this.deliver(s, summary)));
      }
    } catch (error) {
      logger.warn('live usage poll failed', { error: String(error) });
    }
    if (this.channels.get(key) === channel) this.schedule(key, channel, LIVE_POLL_MS);
  }

  onModuleDestroy(): void {
    for (const channel of this.channels.values()) clearTimeout(channel.timer);
    this.channels.clear();
  }
}
