import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ADJUSTED_MONEY_COLUMNS, COST_ADJUSTMENTS, RAW_TABLE, ROLLUP_KEEPS_RAW } from '@app/catalog';
import { ClickHouseGateway } from '@app/clickhouse';
import { APP_CONFIG, AppConfig } from '@app/config';
import { BadUserInputError, ConflictError } from '@app/errors';
import {
  fromAmountUnits,
  ModelPrice,
  priceIn,
  PriceVersion,
  priceTokens,
  toAmountUnits,
  toPriceVersion,
} from '@app/pricing';

/** Events per batch: one keyset page of raw, one adjustment insert with its own deduplication token. */
export const REPRICE_BATCH_EVENTS = 10_000;

const MONEY = ADJUSTED_MONEY_COLUMNS;
/** The columns an adjustment row copies from its raw event (everything but the run, the money and the price). */
const COPIED = COST_ADJUSTMENTS.columns
  .map((c) => c.name)
  .filter((name) => !['reprice_id', 'price_id', 'adjusted_at'].includes(name) && !MONEY.includes(name));
const INSERTED = COST_ADJUSTMENTS.columns.filter((c) => c.default === undefined).map((c) => c.name);

export interface RepriceRun {
  id: string;
  model: string;
  from: Date;
  to: Date;
  events: number;
  oldCost: string;
  newCost: string;
  createdAt: Date;
  by: string;
}

interface RunRow {
  id: string;
  model: string;
  from_at: Date;
  to_at: Date;
  as_of: Date;
  prices: PriceVersion[];
  created_by: string;
  created_at: Date;
}

type RawEvent = Record<string, unknown> & {
  event_id: string;
  at_ms: string;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
} & Record<`stored_${string}`, string>;

/**
 * `repriceUsage`: recomputes the cost of a model's stored events in a range with the prices as
 * they stand now (the price book's versions, each event priced by the version in force at its
 * time, by the same priceTokens as ingest) and writes, per event whose amount changes, a row of
 * money deltas to cost_adjustments, which views sum into every rollup (see libs/catalog adjustments.ts).
 *
 * Exactly once: a run is recorded in Postgres before anything is written, with the instant its
 * events were ingested by (`as_of`) and the price versions it uses, so its batches are the same on
 * every attempt: keyset pages of raw in (occurred_at, event_id) order, each delta taken against raw
 * plus every other run's adjustments (one run at a time, by a unique index), each batch inserted
 * with the token `reprice:<run>:<batch>` (deduplicated in the views too). A run cut short stays
 * RUNNING; the same call resumes it, and batches already written are dropped by their tokens. A
 * second identical call finds nothing to change: every delta is 0 and no row is written.
 */
@Injectable()
export class RepriceUsage {
  constructor(
    private readonly clickhouse: ClickHouseGateway,
    @InjectDataSource() private readonly postgres: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(model: string, from: Date, to: Date, userId: string, now = Date.now()): Promise<RepriceRun> {
    this.validate(model, from, to, now);
    const run = await this.startOrResume(model, from, to, userId, now);
    let events = 0;
    let oldCost = 0n;
    let newCost = 0n;
    let after: { ms: string; id: string } | undefined;
    for (let batch = 0; ; batch++) {
      const page = await this.page(run, after);
      if (page.length === 0) break;
      const rows: unknown[][] = [];
      const before = await this.adjustedBefore(
        run,
        page.map((e) => e.event_id),
      );
      for (const event of page) {
        const price = priceIn(run.prices, Number(event.at_ms));
        const money: Record<string, string> = priceTokens(event, price, this.config.pricing.creditsPerUnit);
        const deltas = MONEY.map(
          (c) =>
            toAmountUnits(money[c]) - toAmountUnits(event[`stored_${c}`]) - (before.get(event.event_id)?.[c] ?? 0n),
        );
        oldCost += toAmountUnits(money.cost) - deltas[MONEY.indexOf('cost')];
        newCost += toAmountUnits(money.cost);
        events++;
        if (deltas.every((d) => d === 0n)) continue;
        const values: Record<string, unknown> = { reprice_id: run.id, price_id: price?.id ?? '' };
        for (const c of COPIED) values[c] = event[c];
        MONEY.forEach((c, i) => (values[c] = fromAmountUnits(deltas[i])));
        rows.push(INSERTED.map((c) => values[c]));
      }
      await this.clickhouse.insertColumns(COST_ADJUSTMENTS.name, INSERTED, rows, {
        insert_deduplicate: 1,
        insert_deduplication_token: `reprice:${run.id}:${batch}`,
        deduplicate_blocks_in_dependent_materialized_views: 1,
        throw_on_max_partitions_per_insert_block: 0,
      });
      const last = page[page.length - 1];
      after = { ms: last.at_ms, id: last.event_id };
    }
    const result = { events, oldCost: fromAmountUnits(oldCost), newCost: fromAmountUnits(newCost) };
    await this.postgres.query(
      `UPDATE reprice_runs SET status = 'DONE', finished_at = now(), events = $2, old_cost = $3, new_cost = $4
       WHERE id = $1`,
      [run.id, result.events, result.oldCost, result.newCost],
    );
    return { id: run.id, model, from, to, ...result, createdAt: run.created_at, by: run.created_by };
  }

  private validate(model: string, from: Date, to: Date, now: number): void {
    if (!model.trim() || model.length > 128) throw new BadUserInputError('model: 1 to 128 characters');
    if (!(from.getTime() < to.getTime())) throw new BadUserInputError('from: must be before to');
    if (from.getTime() < now - RAW_TABLE.retentionMs) {
      throw new BadUserInputError(
        `from: before raw retention (${RAW_TABLE.retentionMs / 86_400_000} days): those events are no longer stored`,
        { earliest: new Date(now - RAW_TABLE.retentionMs).toISOString() },
      );
    }
  }

  /** The RUNNING run of these arguments (resumed), or a new one; another RUNNING run is a conflict. */
  private async startOrResume(model: string, from: Date, to: Date, userId: string, now: number): Promise<RunRow> {
    const [running] = await this.postgres.query<RunRow[]>(`SELECT * FROM reprice_runs WHERE status = 'RUNNING'`);
    if (running) {
      const same =
        running.model === model &&
        running.from_at.getTime() === from.getTime() &&
        running.to_at.getTime() === to.getTime();
      if (same) return running;
      throw new ConflictError(
        `a repricing of ${running.model} from ${running.from_at.toISOString()} to ${running.to_at.toISOString()} ` +
          'has not finished: call repriceUsage with those arguments to complete it first',
        { runId: running.id },
      );
    }
    const versions = (
      await this.postgres.getRepository(ModelPrice).find({ where: { model }, order: { effectiveFrom: 'ASC' } })
    ).map(toPriceVersion);
    if (versions.length === 0) throw new BadUserInputError(`model: ${model} has no price to reprice with`);
    try {
      const [created] = await this.postgres.query<RunRow[]>(
        `INSERT INTO reprice_runs (model, from_at, to_at, as_of, prices, status, created_by)
         VALUES ($1, $2, $3, $4, $5, 'RUNNING', $6) RETURNING *`,
        [model, from, to, new Date(now - this.config.ledger.settleMs), JSON.stringify(versions), userId],
      );
      return created;
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new ConflictError('another repricing started meanwhile: try again once it has finished');
      }
      throw error;
    }
  }

  /**
   * The next keyset page of the run's events: raw rows of the model in range, ingested by the run's as_of;
   * not test keys' calls (no rollup holds them, so an adjustment view would add deltas of calls it never counted).
   */
  private page(run: RunRow, after?: { ms: string; id: string }): Promise<RawEvent[]> {
    const keyset = after
      ? 'AND (occurred_at, event_id) > (fromUnixTimestamp64Milli({afterMs:Int64}), {afterId:String})'
      : '';
    return this.clickhouse.query<RawEvent>(
      `SELECT ${COPIED.join(', ')}, toUnixTimestamp64Milli(occurred_at) AS at_ms,
         input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
         ${MONEY.map((c) => `toString(${c}) AS stored_${c}`).join(', ')}
       FROM ${RAW_TABLE.name}
       WHERE model = {model:String}
         AND occurred_at >= fromUnixTimestamp64Milli({fromMs:Int64})
         AND occurred_at < fromUnixTimestamp64Milli({toMs:Int64})
         AND ingested_at <= fromUnixTimestamp64Milli({asOfMs:Int64})
         AND ${ROLLUP_KEEPS_RAW}
         ${keyset}
       ORDER BY occurred_at, event_id
       LIMIT ${REPRICE_BATCH_EVENTS}`,
      {
        params: {
          model: run.model,
          fromMs: run.from_at.getTime(),
          toMs: run.to_at.getTime(),
          asOfMs: run.as_of.getTime(),
          afterMs: after?.ms,
          afterId: after?.id,
        },
      },
    );
  }

  /** What earlier runs changed on these events (this run's own rows left out: they are what a retry repeats). */
  private async adjustedBefore(run: RunRow, eventIds: string[]): Promise<Map<string, Record<string, bigint>>> {
    const rows = await this.clickhouse.query<Record<string, string>>(
      `SELECT event_id, ${MONEY.map((c) => `toString(sum(${c})) AS sum_${c}`).join(', ')}
       FROM ${COST_ADJUSTMENTS.name}
       WHERE event_id IN {ids:Array(String)} AND reprice_id != {run:String}
       GROUP BY event_id`,
      { params: { ids: eventIds, run: run.id } },
    );
    return new Map(
      rows.map((r) => [r.event_id, Object.fromEntries(MONEY.map((c) => [c, toAmountUnits(r[`sum_${c}`])]))]),
    );
  }
}
