import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { DetectedMetric, Direction, IncidentChange, OpenIncident, SeriesRef } from './detector/detector';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AnomalyRow {
  id: string;
  metric: DetectedMetric;
  dimension: SeriesRef['dimension'];
  series_key: string | null;
  series_id: string;
  team_id: string | null;
  owner_id: string | null;
  direction: Direction;
  status: 'OPEN' | 'RESOLVED';
  started_at: Date;
  ended_at: Date | null;
  expected: number;
  observed: number;
  score: number;
  peak_observed: number;
  peak_score: number;
  /** when its opening, and its resolution, were turned into alert events (AnomalyIncidents.claimAlerting) */
  opening_alerted_at: Date | null;
  resolution_alerted_at: Date | null;
}

export interface AnomalyQuery {
  from: Date;
  to: Date;
  status?: 'OPEN' | 'RESOLVED';
  teamIds?: string[];
  apiKeyIds?: string[];
  models?: string[];
  /** absent: every incident (platform ADMIN, SRE); else those of these teams and of this person's keys */
  readableBy?: { managedTeamIds: string[]; userId: string };
  limit: number;
}

/** Incidents in Postgres. Opening and resolving say whether they changed a row: a racing run's change is a no-op. */
@Injectable()
export class AnomalyStore {
  constructor(@InjectDataSource() private readonly postgres: DataSource) {}

  /** The incident as opened, or null when that series and metric already has an open one. */
  async open(change: Extract<IncidentChange, { kind: 'opened' }>): Promise<AnomalyRow | null> {
    const { series, judgement: j } = change;
    const rows = await this.postgres.query<AnomalyRow[]>(
      `INSERT INTO anomaly_incidents (metric, dimension, series_key, series_id, team_id, owner_id, direction, status,
         started_at, expected, observed, score, peak_observed, peak_score)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'OPEN', $8, $9, $10, $11, $10, $11)
       ON CONFLICT (series_id, metric) WHERE status = 'OPEN' DO NOTHING
       RETURNING *`,
      [
        change.metric,
        series.dimension,
        series.key,
        series.id,
        series.teamId,
        series.ownerId,
        j.direction,
        new Date(change.startedAt),
        j.expected,
        j.observed,
        j.score,
      ],
    );
    return rows[0] ?? null;
  }

  /** Another bad minute: the latest values, and the peak when this one is further out. */
  async update(change: Extract<IncidentChange, { kind: 'updated' }>): Promise<void> {
    const j = change.judgement;
    await this.postgres.query(
      `UPDATE anomaly_incidents SET expected = $3, observed = $4, score = $5,
         peak_observed = CASE WHEN abs($5) > abs(peak_score) THEN $4 ELSE peak_observed END,
         peak_score = CASE WHEN abs($5) > abs(peak_score) THEN $5 ELSE peak_score END, updated_at = now()
       WHERE series_id = $1 AND metric = $2 AND status = 'OPEN'`,
      [change.series.id, change.metric, j.expected, j.observed, j.score],
    );
  }

  /** The incident as resolved, or null when none was open (another run resolved it). */
  async resolve(change: Extract<IncidentChange, { kind: 'resolved' }>): Promise<AnomalyRow | null> {
    const rows = await this.postgres.query<[AnomalyRow[], number]>(
      `UPDATE anomaly_incidents SET status = 'RESOLVED', ended_at = greatest($3, started_at), updated_at = now()
       WHERE series_id = $1 AND metric = $2 AND status = 'OPEN' RETURNING *`,
      [change.series.id, change.metric, new Date(change.endedAt)],
    );
    return rows[0][0] ?? null;
  }

  /** Open incidents, to resume judging them after a restart. */
  async openIncidents(): Promise<{ incident: OpenIncident; ref: SeriesRef }[]> {
    const rows = await this.postgres.query<AnomalyRow[]>(`SELECT * FROM anomaly_incidents WHERE status = 'OPEN'`);
    return rows.map((r) => ({
      incident: { seriesId: r.series_id, metric: r.metric, startedAt: r.started_at.getTime(), direction: r.direction },
      ref: { id: r.series_id, dimension: r.dimension, key: r.series_key, teamId: r.team_id, ownerId: r.owner_id },
    }));
  }

  /**
   * Marks an incident's opening or resolution as alerted, in the caller's transaction: true for
   * the one transaction that marks it (the row lock makes a concurrent one wait, then find it
   * marked). A resolution is marked only once its opening was: its alerts resolve what it fired.
   */
  async markAlerted(manager: EntityManager, id: string, kind: 'opened' | 'resolved'): Promise<boolean> {
    const [rows] = await manager.query<[unknown[], number]>(
      kind === 'opened'
        ? `UPDATE anomaly_incidents SET opening_alerted_at = now()
           WHERE id = $1 AND opening_alerted_at IS NULL RETURNING id`
        : `UPDATE anomaly_incidents SET resolution_alerted_at = now()
           WHERE id = $1 AND status = 'RESOLVED' AND opening_alerted_at IS NOT NULL
             AND resolution_alerted_at IS NULL RETURNING id`,
      [id],
    );
    return rows.length === 1;
  }

  /** Incidents with an opening, or a resolution, not yet alerted: the oldest `limit`. */
  unalerted(limit: number): Promise<AnomalyRow[]> {
    return this.postgres.query<AnomalyRow[]>(
      `SELECT * FROM anomaly_incidents
       WHERE opening_alerted_at IS NULL OR (status = 'RESOLVED' AND resolution_alerted_at IS NULL)
       ORDER BY started_at, id LIMIT $1`,
      [limit],
    );
  }

  async countOpen(): Promise<number> {
    const [row] = await this.postgres.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM anomaly_incidents WHERE status = 'OPEN'`,
    );
    return Number(row.n);
  }

  /** Incidents by id (ids that are not a uuid match none). */
  byIds(ids: readonly string[]): Promise<AnomalyRow[]> {
    const uuids = ids.filter((id) => UUID.test(id));
    if (uuids.length === 0) return Promise.resolve([]);
    return this.postgres.query<AnomalyRow[]>(`SELECT * FROM anomaly_incidents WHERE id = ANY($1::uuid[])`, [uuids]);
  }

  /** Incidents overlapping [from, to), newest first. */
  list(q: AnomalyQuery): Promise<AnomalyRow[]> {
    const params: unknown[] = [q.from, q.to];
    const where = ['started_at < $2', '(ended_at IS NULL OR ended_at > $1)'];
    const bind = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (q.status) where.push(`status = ${bind(q.status)}`);
    if (q.teamIds?.length) where.push(`team_id = ANY(${bind(q.teamIds)}::uuid[])`);
    if (q.apiKeyIds?.length) where.push(`dimension = 'API_KEY' AND series_key = ANY(${bind(q.apiKeyIds)}::text[])`);
    if (q.models?.length) where.push(`dimension = 'MODEL' AND series_key = ANY(${bind(q.models)}::text[])`);
    if (q.readableBy) {
      where.push(
        `(team_id = ANY(${bind(q.readableBy.managedTeamIds)}::uuid[]) OR owner_id = ${bind(q.readableBy.userId)})`,
      );
    }
    return this.postgres.query<AnomalyRow[]>(
      `SELECT * FROM anomaly_incidents WHERE ${where.join(' AND ')}
       ORDER BY started_at DESC, id LIMIT ${bind(q.limit)}`,
      params,
    );
  }
}
