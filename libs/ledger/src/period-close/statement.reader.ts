import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UsageQueries } from '@app/analytics';
import { fromAmountUnits, toAmountUnits } from '@app/pricing';
import { periodBounds } from '../ledger-cut';
import { LedgerReads, RestatementRow } from './ledger-reads';

export interface Restatement {
  at: Date;
  cause: string;
  amount: string;
  requests: number;
}

export interface Statement {
  teamId: string;
  period: string;
  closedAt: Date | null;
  cost: string;
  credits: string;
  requests: number;
  restatements: Restatement[];
  current: string;
}

/** A difference no raw event or repricing explains: raw has dropped events of the period (retention). */
export const UNATTRIBUTED_CAUSE = 'unattributed: no longer in raw events (past raw retention)';

/**
 * A team's statement of a month: the totals recorded at its close, every restatement since (late
 * events by the hour they were ingested in, DLQ replays likewise, each repricing run) and the
 * current cost as usageSummary answers it. closed + restatements = current exactly; should raw no
 * longer hold what changed, the rest is one restatement saying so, never a silent difference.
 * A month not closed answers its current totals with closedAt null and no restatements.
 */
@Injectable()
export class StatementReader {
  constructor(
    private readonly reads: LedgerReads,
    private readonly usage: UsageQueries,
    @InjectDataSource() private readonly postgres: DataSource,
  ) {}

  async read(teamId: string, period: string, now = Date.now()): Promise<Statement> {
    const [close] = await this.postgres.query<
      {
        time_zone: string;
        cut_at: Date;
        closed_at: Date;
        cost: string | null;
        credits: string | null;
        requests: string | null;
      }[]
    >(
      `SELECT c.time_zone, c.cut_at, c.closed_at, t.cost, t.credits, t.requests
       FROM period_closes c LEFT JOIN period_close_totals t ON t.period = c.period AND t.team_id = $2
       WHERE c.period = $1`,
      [period, teamId],
    );
    const timeZone = close?.time_zone ?? 'UTC';
    const { start, end } = periodBounds(period, timeZone);
    const current = await this.usage.totals(
      { range: { from: new Date(start), to: new Date(end), timeZone }, teamIds: [teamId] },
      now,
    );
    if (!close) {
      return {
        teamId,
        period,
        closedAt: null,
        cost: current.cost,
        credits: current.credits,
        requests: current.requests,
        restatements: [],
        current: current.cost,
      };
    }
    // Postgres numeric text keeps its 15 decimals: shown like every amount, without trailing zeros
    const closed = {
      cost: fromAmountUnits(toAmountUnits(close.cost ?? '0')),
      credits: fromAmountUnits(toAmountUnits(close.credits ?? '0')),
      requests: Number(close.requests ?? 0),
    };
    const rows = await this.reads.restatementsAfter(teamId, start, end, close.cut_at.getTime());
    const restatements = await this.describe(rows);
    const explained = restatements.reduce((sum, r) => sum + toAmountUnits(r.amount), toAmountUnits(closed.cost));
    const explainedRequests = restatements.reduce((sum, r) => sum + r.requests, closed.requests);
    const rest = toAmountUnits(current.cost) - explained;
    if (rest !== 0n || current.requests !== explainedRequests) {
      restatements.push({
        at: new Date(now),
        cause: UNATTRIBUTED_CAUSE,
        amount: fromAmountUnits(rest),
        requests: current.requests - explainedRequests,
      });
    }
    return { teamId, period, closedAt: close.closed_at, ...closed, restatements, current: current.cost };
  }

  private async describe(rows: RestatementRow[]): Promise<Restatement[]> {
    const runIds = rows.filter((r) => r.kind === 'repricing').map((r) => r.group);
    const runs = runIds.length
      ? await this.postgres.query<{ id: string; model: string; from_at: Date; to_at: Date }[]>(
          'SELECT id, model, from_at, to_at FROM reprice_runs WHERE id = ANY($1::uuid[])',
          [runIds],
        )
      : [];
    const byId = new Map(runs.map((r) => [r.id, r]));
    return rows.map((r) => {
      const run = byId.get(r.group);
      const range = run ? ` of ${run.model} from ${run.from_at.toISOString()} to ${run.to_at.toISOString()}` : '';
      const cause =
        r.kind === 'repricing'
          ? `repricing ${r.group}${range}`
          : `${r.kind === 'replay' ? 'DLQ replay' : 'late events'} ingested in the hour from ${r.group} UTC`;
      return { at: new Date(r.atMs), cause, amount: fromAmountUnits(toAmountUnits(r.amount)), requests: r.requests };
    });
  }
}
