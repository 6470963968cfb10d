import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { logger } from '@app/observability';
import { UsageFilterInput } from './dto/usage-filter.input';
import { UsageSummary } from './dto/usage-summary.type';
import { UsageQueries } from './usage-queries';

export const LIVE_POLL_MS = 1_000;

class Subscriber implements AsyncIterableIterator<UsageSummary> {
  private readonly queue: UsageSummary[] = [];
  private waiting?: (r: IteratorResult<UsageSummary>) => void;
  private closed = false;

  constructor(private readonly onClose: () => void) {}

  push(value: UsageSummary): void {
    if (this.closed) return;
    if (this.waiting) {
      this.waiting({ value, done: false });
      this.waiting = undefined;
    } else {
      this.queue.splice(0, this.queue.length, value); // only the newest summary matters
    }
  }

  next(): Promise<IteratorResult<UsageSummary>> {
    if (this.queue.length) return Promise.resolve({ value: this.queue.shift()!, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<UsageSummary>> {
    if (!this.closed) {
      this.closed = true;
      this.waiting?.({ value: undefined, done: true });
      this.onClose();
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<UsageSummary> {
    return this;
  }
}

interface Channel {
  filter: UsageFilterInput;
  subscribers: Set<Subscriber>;
  timer?: NodeJS.Timeout;
  last?: UsageSummary;
  lastJson?: string;
}

/**
 * Live mode: one ClickHouse poll per second per distinct (already access-scoped) filter, shared
 * by all its subscribers; a subscriber gets the current summary at once and every change after.
 */
@Injectable()
export class LiveUsageHub implements OnModuleDestroy {
  private readonly channels = new Map<string, Channel>();
  private readonly polls: Gauge;

  constructor(
    private readonly queries: UsageQueries,
    registry: Registry,
  ) {
    this.polls = new Gauge({ name: 'usage_live_channels', help: 'Distinct live filters being polled', registers: [registry] });
  }

  get channelCount(): number {
    return this.channels.size;
  }

  subscribe(filter: UsageFilterInput): AsyncIterableIterator<UsageSummary> {
    const key = JSON.stringify(filter);
    let channel = this.channels.get(key);
    if (!channel) {
      channel = { filter, subscribers: new Set() };
      this.channels.set(key, channel);
      this.polls.set(this.channels.size);
      this.schedule(key, channel, 0);
    }
    const ch = channel;
    const subscriber = new Subscriber(() => {
      ch.subscribers.delete(subscriber);
      if (ch.subscribers.size === 0) {
        clearTimeout(ch.timer);
        this.channels.delete(key);
        this.polls.set(this.channels.size);
      }
    });
    ch.subscribers.add(subscriber);
    if (ch.last) subscriber.push(ch.last);
    return subscriber;
  }

  private schedule(key: string, channel: Channel, delay: number): void {
    channel.timer = setTimeout(async () => {
      try {
        const summary = await this.queries.summary(channel.filter);
        const json = JSON.stringify(summary);
        if (json !== channel.lastJson) {
          channel.last = summary;
          channel.lastJson = json;
          for (const s of channel.subscribers) s.push(summary);
        }
      } catch (error) {
        logger.warn('live usage poll failed', { error: String(error) });
      }
      if (this.channels.get(key) === channel) this.schedule(key, channel, LIVE_POLL_MS);
    }, delay);
  }

  onModuleDestroy(): void {
    for (const channel of this.channels.values()) clearTimeout(channel.timer);
    this.channels.clear();
  }
}
