import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UsageDimension, UsageMetric } from '@app/analytics';
import { ClickHouseGateway } from '@app/clickhouse';
import { DirectoryReader } from '@app/teams';
import { AnomalyRow, AnomalyStore } from './anomaly.store';
import { AnomalyDirection, AnomalyType, TeamEventNoteType } from './anomaly.types';
import { summarizeTeamEvent, TeamEventNotesRead, TeamEventRow } from './query/team-event-notes';

const HOUR = 3_600_000;

/**
 * Stored incidents as the GraphQL `Anomaly`: labelled, with their annotations read on demand.
 * Used by `anomalies` and by whatever else reaches an Anomaly (an alert event's `anomaly`); it
 * decides nothing about access: the Anomaly object rule checks every answer wherever it is reached.
 */
@Injectable()
export class AnomalyReader {
  constructor(
    private readonly store: AnomalyStore,
    private readonly directory: DirectoryReader,
    @Inject(ClickHouseGateway) private readonly ch: ClickHouseGateway,
    @InjectDataSource() private readonly postgres: DataSource,
  ) {}

  /** One incident by id, or null when there is none. */
  async byId(id: string, now = Date.now()): Promise<AnomalyType | null> {
    const [row] = await this.store.byIds([id]);
    return row ? (await this.present([row], now))[0] : null;
  }

  /** Labels read once per kind; the notes of every listed incident in one read, when the first is asked for. */
  async present(rows: AnomalyRow[], now: number): Promise<AnomalyType[]> {
    const labels = await this.labels(rows);
    let notes: Promise<Map<string, TeamEventNoteType[]>> | undefined;
    const notesOf = (row: AnomalyRow) => async () => {
      notes ??= this.notesFor(rows, now);
      return (await notes).get(row.id) ?? [];
    };
    return rows.map((r) => ({
      teamIdForAccess: r.team_id,
      ownerId: r.owner_id,
      notes: notesOf(r),
      id: r.id,
      metric: r.metric as UsageMetric,
      dimension: r.dimension as UsageDimension | null,
      key: r.series_key,
      label: r.series_key === null ? 'Platform' : (labels.get(`${r.dimension}:${r.series_key}`) ?? r.series_key),
      teamId: r.team_id,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      expected: r.expected,
      observed: r.observed,
      score: r.score,
      peak: r.peak_observed,
      peakScore: r.peak_score,
      direction: r.direction as AnomalyDirection,
      status: r.status,
    }));
  }

  /** Team and key names, one directory read per kind. */
  private async labels(rows: AnomalyRow[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const idsOf = (dimension: string) => [
      ...new Set(rows.filter((r) => r.dimension === dimension).map((r) => r.series_key!)),
    ];
    for (const [dimension, kind] of [
      ['TEAM', 'teams'],
      ['API_KEY', 'apiKeys'],
    ] as const) {
      for (const entry of await this.directory.lookup(kind, idsOf(dimension))) {
        out.set(`${dimension}:${entry.id}`, entry.label);
      }
    }
    return out;
  }

  /**
   * Every listed incident's notes in one ClickHouse read (its team's events from an hour before
   * it started until it ended) and one Postgres read (model prices taking effect then, which move
   * cost for every team).
   */
  private async notesFor(rows: AnomalyRow[], now: number): Promise<Map<string, TeamEventNoteType[]>> {
    const out = new Map<string, TeamEventNoteType[]>();
    if (rows.length === 0) return out;
    const windowOf = (r: AnomalyRow) => ({ from: r.started_at.getTime() - HOUR, to: r.ended_at?.getTime() ?? now });
    const from = Math.min(...rows.map((r) => windowOf(r).from));
    const to = Math.max(...rows.map((r) => windowOf(r).to)) + 1;
    const teamIds = [...new Set(rows.map((r) => r.team_id).filter((t): t is string => t !== null))];
    const events: TeamEventRow[] = [];
    if (teamIds.length) {
      const { sql, params } = new TeamEventNotesRead(teamIds, from, to).toSQL();
      events.push(...(await this.ch.query<TeamEventRow>(sql, { params })));
    }
    const prices = await this.postgres.query<{ model: string; effective_from: Date }[]>(
      `SELECT model, effective_from FROM model_prices WHERE effective_from >= $1 AND effective_from < $2
       ORDER BY effective_from LIMIT 1000`,
      [new Date(from), new Date(to)],
    );
    for (const r of rows) {
      const w = windowOf(r);
      const notes: TeamEventNoteType[] = events
        .filter((e) => e.team === r.team_id && Number(e.at) >= w.from && Number(e.at) <= w.to)
        .map((e) => ({ at: new Date(Number(e.at)), type: e.type, summary: summarizeTeamEvent(e.type, e.payload) }));
      if (r.metric === 'COST') {
        for (const p of prices) {
          const at = p.effective_from.getTime();
          if (at < w.from || at > w.to || (r.dimension === 'MODEL' && r.series_key !== p.model)) continue;
          notes.push({ at: p.effective_from, type: 'PriceSet', summary: `price of ${p.model} changed` });
        }
      }
      out.set(
        r.id,
        notes.sort((a, b) => a.at.getTime() - b.at.getTime()),
      );
    }
    return out;
  }
}
