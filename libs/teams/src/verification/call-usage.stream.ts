import { randomUUID } from 'node:crypto';
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Admin, Consumer, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { ClickHouseGateway } from '@app/clickhouse';
import { APP_CONFIG, AppConfig } from '@app/config';
import { toRowOrReason } from '@app/ingest';
import { logger } from '@app/observability';
import { ModelPrice, PriceBook } from '@app/pricing';
import { KeyStateCache } from './key-state';
import { CountedCall, IngestProgress, UsageTally, Watermark } from './usage-tally';

/** How often a tally in use is read again from the rollups (the bound on drift). */
export const TALLY_RESEED_MS = 30_000;
/** How often stream calls the worker has committed are forgotten (and idle tallies dropped). */
const PRUNE_MS = 10_000;
/** How long one read of the ingest worker's committed offsets is reused by the seeds. */
const WATERMARK_REUSE_MS = 1_000;

const TEAM_ID = /"team_id"\s*:\s*"([0-9a-fA-F-]{36})"/g;

/**
 * The team of a call event read without parsing it, when its text names exactly one plainly
 * (a second `team_id`, an escaped one or none: undefined, and the call is decoded in full), so
 * that calls of teams no tally counts cost no decoding and pricing. A seed started later finds
 * skipped calls in the rollups or, in flight, is short of them until it is read again (within a
 * second or so: UsageTally.skipped).
 */
function plainTeamId(value: Buffer | null): string | undefined {
  if (!value) return undefined;
  const matches = [...value.toString('utf8').matchAll(TEAM_ID)];
  return matches.length === 1 ? matches[0][1].toLowerCase() : undefined;
}

/**
 * Counts quota and budget use from calls.v1 for key verification: a consumer in a group of its
 * own (one per API process, never committing: every process needs every partition), started at
 * the ingest worker's committed offsets, prices each call as the worker does (toRowOrReason) and
 * feeds the UsageTally; it tells the tallies' seeds what the worker has committed and stored.
 */
@Injectable()
export class CallUsageStream implements OnApplicationBootstrap, BeforeApplicationShutdown, IngestProgress {
  readonly tally = new UsageTally(this, { reseedMs: TALLY_RESEED_MS, idleMs: 600_000, shortSeedRetryMs: 1_000 });
  private consumer?: Consumer;
  private admin?: Admin;
  private prices?: PriceBook;
  private pruneTimer?: NodeJS.Timeout;
  private lastWatermark: { at: number; offsets: Promise<Watermark | null> } | null = null;
  private previousPruneWatermark: Watermark | null = null;
  private stopped = false;

  constructor(
    private readonly kafka: Kafka,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly postgres: DataSource,
    private readonly clickhouse: ClickHouseGateway,
    private readonly keys: KeyStateCache,
  ) {}

  onApplicationBootstrap(): void {
    // not awaited: verification seeds from the rollups alone until the stream runs
    void this.start();
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_MS);
    this.pruneTimer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pruneTimer);
    await this.consumer?.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
  }

  private async start(): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        await this.run();
        // stopped while it was starting: the shutdown found no consumer to disconnect
        if (this.stopped) await this.consumer?.disconnect();
        return;
      } catch (error) {
        logger.warn('key usage stream cannot start; retrying', { attempt, error: String(error) });
        await this.consumer?.disconnect().catch(() => undefined);
        await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * attempt)));
      }
    }
  }

  private async run(): Promise<void> {
    const topic = this.config.kafka.callsTopic;
    this.prices ??= new PriceBook(this.postgres.getRepository(ModelPrice));
    await this.prices.refreshIfStale();
    const committed = await this.committedOffsets(true);
    this.consumer = this.kafka.consumer({
      groupId: `${this.config.kafka.consumerGroup}.key-usage.${randomUUID()}`,
      maxWaitTimeInMs: 50,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        await this.prices!.refreshIfStale().catch(() => undefined);
        const deps = {
          partition: batch.partition,
          now: Date.now(),
          creditsPerUnit: this.config.pricing.creditsPerUnit,
          // the worker refuses what is past the horizon: such a call is in no rollup, so it uses no quota
          horizonDays: this.config.ingest.horizonDays,
          priceAt: (model: string, at: number) => this.prices!.priceAt(model, at),
        };
        const calls: CountedCall[] = [];
        for (const message of batch.messages) {
          const team = plainTeamId(message.value);
          if (team !== undefined && !this.tally.counts(team)) {
            this.tally.skipped(team, batch.partition, Number(message.offset));
            continue;
          }
          const { row } = toRowOrReason(message, deps);
          if (!row) continue;
          // events may spell UUIDs in capitals; Postgres and the rollups do not
          const apiKeyId = row.api_key_id.toLowerCase();
          // the rollups the seeds read leave test keys' calls out (ROLLUP_KEEPS_RAW): so does the count
          if (this.keys.isTestKey(apiKeyId)) continue;
          calls.push({
            partition: batch.partition,
            offset: Number(message.offset),
            teamId: row.team_id.toLowerCase(),
            userId: row.user_id.toLowerCase(),
            apiKeyId,
            occurredAt: Date.parse(`${row.occurred_at.replace(' ', 'T')}Z`),
            tokens: row.input_tokens + row.output_tokens,
            credits: row.credits,
            cost: row.cost,
          });
        }
        this.tally.count(calls);
      },
    });
    // everything below the worker's committed offsets is in the rollups the seeds read
    for (const [partition, offset] of committed ?? []) this.consumer.seek({ topic, partition, offset: String(offset) });
  }

  committed(): Promise<Watermark | null> {
    return this.committedOffsets();
  }

  /** Looked up by position in the calls' hours of their teams (a few granules). */
  async stored(calls: readonly CountedCall[]): Promise<CountedCall[]> {
    const times = calls.map((c) => c.occurredAt);
    const rows = await this.clickhouse.query<{ position: string }>(
      `SELECT concat(toString(kafka_partition), ':', toString(kafka_offset)) AS position FROM call_events
        WHERE team_id IN {teams:Array(UUID)}
          AND occurred_at BETWEEN fromUnixTimestamp64Milli({from:Int64}) AND fromUnixTimestamp64Milli({to:Int64})
          AND position IN {positions:Array(String)}`,
      {
        params: {
          teams: [...new Set(calls.map((c) => c.teamId))],
          from: Math.min(...times),
          to: Math.max(...times),
          positions: calls.map((c) => `${c.partition}:${c.offset}`),
        },
      },
    );
    const found = new Set(rows.map((r) => r.position));
    return calls.filter((c) => found.has(`${c.partition}:${c.offset}`));
  }

  /** The ingest worker's committed offset per partition (a partition it never committed: 0). */
  private committedOffsets(fresh = false): Promise<Watermark | null> {
    const now = Date.now();
    if (!fresh && this.lastWatermark && now - this.lastWatermark.at < WATERMARK_REUSE_MS) {
      return this.lastWatermark.offsets;
    }
    const offsets = (async () => {
      if (!this.admin) {
        const admin = this.kafka.admin();
        await admin.connect();
        this.admin = admin;
      }
      const [topic] = await this.admin.fetchOffsets({
        groupId: this.config.kafka.consumerGroup,
        topics: [this.config.kafka.callsTopic],
      });
      return new Map(topic.partitions.map((p) => [p.partition, Math.max(0, Number(p.offset))]));
    })();
    this.lastWatermark = { at: now, offsets };
    offsets.catch(() => (this.lastWatermark = null));
    return offsets;
  }

  private async prune(): Promise<void> {
    this.tally.prune(this.previousPruneWatermark);
    this.previousPruneWatermark = await this.committedOffsets().catch(() => null);
  }
}
