import { Injectable } from '@nestjs/common';
import { COST_ADJUSTMENTS, RAW_TABLE, ROLLUP_KEEPS_RAW } from '@app/catalog';
import { ClickHouseGateway } from '@app/clickhouse';

export interface TeamTotals {
  teamId: string;
  cost: string;
  credits: string;
  requests: number;
}

export interface RestatementRow {
  /** 'live' or 'replay' events ingested in one UTC hour after the cut, or one repricing run's deltas */
  kind: 'live' | 'replay' | 'repricing';
  /** the hour the events were ingested in, or the repricing run's id */
  group: string;
  atMs: number;
  amount: string;
  requests: number;
}

const IN_PERIOD =
  'occurred_at >= fromUnixTimestamp64Milli({startMs:Int64}) AND occurred_at < fromUnixTimestamp64Milli({endMs:Int64})';

/**
 * Raw events of a period and the repricing deltas of their events, both on one side of a cut (of one team);
 * test keys' calls are in no usage total, so in no statement either.
 */
function ledgerRows(side: '<=' | '>', oneTeam: boolean): string {
  const team = oneTeam ? 'AND team_id = {team:UUID}' : '';
  return `
    SELECT team_id, cost, credits, 1 AS requests, origin AS kind, toString(toStartOfHour(ingested_at)) AS grp,
      ingested_at AS at
    FROM ${RAW_TABLE.name}
    WHERE ${IN_PERIOD} AND ingested_at ${side} fromUnixTimestamp64Milli({cutMs:Int64}) ${team}
      AND ${ROLLUP_KEEPS_RAW}
    UNION ALL
    SELECT team_id, cost, credits, 0 AS requests, 'repricing' AS kind, reprice_id AS grp, adjusted_at AS at
    FROM ${COST_ADJUSTMENTS.name}
    WHERE ${IN_PERIOD} AND adjusted_at ${side} fromUnixTimestamp64Milli({cutMs:Int64}) ${team}`;
}

/**
 * The ledger's reads of the engine: a period's totals per team as of a cut, and what came after it.
 * Both read raw events by their ingestion time and repricing deltas by the time they were written,
 * so the two sides of a cut add up to everything the rollups hold for the period, whatever was
 * in flight at the close (see AppConfig.ledger).
 */
@Injectable()
export class LedgerReads {
  constructor(private readonly clickhouse: ClickHouseGateway) {}

  async totalsAsOf(startMs: number, endMs: number, cutMs: number): Promise<TeamTotals[]> {
    const rows = await this.clickhouse.query<{ team: string; cost: string; credits: string; requests: string }>(
      `SELECT toString(team_id) AS team, toString(sum(cost)) AS cost, toString(sum(credits)) AS credits,
         sum(requests) AS requests
       FROM (${ledgerRows('<=', false)})
       GROUP BY team_id`,
      { params: { startMs, endMs, cutMs } },
    );
    return rows.map((r) => ({ teamId: r.team, cost: r.cost, credits: r.credits, requests: Number(r.requests) }));
  }

  async restatementsAfter(teamId: string, startMs: number, endMs: number, cutMs: number): Promise<RestatementRow[]> {
    const rows = await this.clickhouse.query<{
      kind: RestatementRow['kind'];
      grp: string;
      at_ms: string;
      amount: string;
      requests: string;
    }>(
      `SELECT kind, grp, toUnixTimestamp64Milli(max(at)) AS at_ms, toString(sum(cost)) AS amount,
         sum(requests) AS requests
       FROM (${ledgerRows('>', true)})
       GROUP BY kind, grp
       ORDER BY at_ms, kind, grp`,
      { params: { startMs, endMs, cutMs, team: teamId } },
    );
    return rows.map((r) => ({
      kind: r.kind,
      group: r.grp,
      atMs: Number(r.at_ms),
      amount: r.amount,
      requests: Number(r.requests),
    }));
  }
}
