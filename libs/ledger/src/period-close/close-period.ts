import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { assertTimeZone } from '@app/analytics';
import { RAW_TABLE } from '@app/catalog';
import { APP_CONFIG, AppConfig } from '@app/config';
import { BadUserInputError, ConflictError } from '@app/errors';
import { periodBounds } from '../ledger-cut';
import { LedgerReads } from './ledger-reads';

/**
 * `closePeriod`: records each team's totals (cost, credits, requests) of a calendar month in a time
 * zone as of the close's cut (LEDGER_SETTLE_MS before now: AppConfig.ledger): every raw event of the month ingested
 * by then and every repricing delta written by then. Anything after the cut is a restatement of
 * the statement, never a silent change. A period closes once: closing it again is a CONFLICT
 * naming the close (moving the cut would hide the restatements in between). Only an ended month
 * whose events raw still holds can be closed.
 */
@Injectable()
export class ClosePeriod {
  constructor(
    private readonly reads: LedgerReads,
    @InjectDataSource() private readonly postgres: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(period: string, timeZone: string, userId: string, now = Date.now()): Promise<void> {
    assertTimeZone(timeZone);
    const { start, end } = periodBounds(period, timeZone);
    const cut = now - this.config.ledger.settleMs;
    if (end > cut) throw new BadUserInputError(`period: ${period} has not ended yet`);
    if (start < now - RAW_TABLE.retentionMs) {
      throw new BadUserInputError(
        `period: ${period} began before raw retention (${RAW_TABLE.retentionMs / 86_400_000} days): ` +
          'its events are no longer stored one by one, so its close could not be restated',
      );
    }
    await this.refuseClosed(period);
    const totals = await this.reads.totalsAsOf(start, end, cut);
    await this.postgres.transaction(async (tx) => {
      const inserted = await tx.query<unknown[]>(
        `INSERT INTO period_closes (period, time_zone, starts_at, ends_at, cut_at, closed_by)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (period) DO NOTHING RETURNING period`,
        [period, timeZone, new Date(start), new Date(end), new Date(cut), userId],
      );
      if (inserted.length === 0) await this.refuseClosed(period);
      for (let i = 0; i < totals.length; i += 1000) {
        const chunk = totals.slice(i, i + 1000);
        const values = chunk.map((_, j) => `($1, $${j * 4 + 2}, $${j * 4 + 3}, $${j * 4 + 4}, $${j * 4 + 5})`);
        await tx.query(
          `INSERT INTO period_close_totals (period, team_id, cost, credits, requests) VALUES ${values.join(', ')}`,
          [period, ...chunk.flatMap((t) => [t.teamId, t.cost, t.credits, t.requests])],
        );
      }
    });
  }

  private async refuseClosed(period: string): Promise<void> {
    const [closed] = await this.postgres.query<{ closed_at: Date; time_zone: string }[]>(
      'SELECT closed_at, time_zone FROM period_closes WHERE period = $1',
      [period],
    );
    if (closed) {
      throw new ConflictError(
        `period ${period} was closed at ${closed.closed_at.toISOString()} (${closed.time_zone}); ` +
          'what changed since shows as restatements of its statements',
        { closedAt: closed.closed_at.toISOString() },
      );
    }
  }
}
