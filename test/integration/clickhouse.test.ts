import { UNPRICED_AMOUNTS } from '@app/pricing';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClickHouseGateway, ClickHouseMigrator, MigrationError } from '@app/clickhouse';
import { CallEventRow, CallEventWriter, toCallEventRow } from '@app/ingest';
import { makeEvent } from '../harness/events';
import { isolatedConfig } from '../harness/test-env';

describe('ClickHouse gateway on the real engine', () => {
  let ch: ClickHouseGateway;

  beforeAll(async () => {
    ch = await ClickHouseGateway.connect(isolatedConfig('clickhouse').clickhouse);
  });
  afterAll(async () => {
    await ch.command(`DROP DATABASE IF EXISTS ${ch.database}`);
    await ch.close();
  });

  describe('per-request settings stay with their request', () => {
    beforeEach(async () => {
      await ch.command('DROP TABLE IF EXISTS dedup_probe');
      await ch.command(
        'CREATE TABLE dedup_probe (id UInt32) ENGINE = MergeTree ORDER BY id ' +
          'SETTINGS non_replicated_deduplication_window = 100',
      );
    });

    it('an insert after one with a deduplication token is not dropped', async () => {
      await ch.insert('dedup_probe', [{ id: 1 }], { insert_deduplication_token: 'batch-a' });
      await ch.insert('dedup_probe', [{ id: 2 }]);
      await ch.insert('dedup_probe', [{ id: 3 }]);
      // the same token again is a retry and must be dropped
      await ch.insert('dedup_probe', [{ id: 1 }], { insert_deduplication_token: 'batch-a' });
      const rows = await ch.query<{ id: number }>('SELECT id FROM dedup_probe ORDER BY id');
      expect(rows.map((r) => r.id)).toEqual([1, 2, 3]);
    });

    it('a setting given to one query is not seen by the next', async () => {
      const [withSetting] = await ch.query<{ v: string }>("SELECT getSetting('max_threads') AS v", {
        settings: { max_threads: 1 },
      });
      const [after] = await ch.query<{ v: string }>("SELECT getSetting('max_threads') AS v");
      expect(Number(withSetting.v)).toBe(1);
      expect(Number(after.v)).not.toBe(1);
    });

    it('holds under concurrency: tokened and plain inserts interleaved', async () => {
      const work = Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0
          ? ch.insert('dedup_probe', [{ id: 1000 + i }], { insert_deduplication_token: `t-${i}` })
          : ch.insert('dedup_probe', [{ id: 1000 + i }]),
      );
      await Promise.all(work);
      const [{ c }] = await ch.query<{ c: string }>('SELECT count() AS c FROM dedup_probe');
      expect(Number(c)).toBe(40);
    });

    it('column inserts carry their token on the insert itself', async () => {
      await ch.insertColumns('dedup_probe', ['id'], [[1], [2]], { insert_deduplication_token: 'cols-a' });
      await ch.insertColumns('dedup_probe', ['id'], [[1], [2]], { insert_deduplication_token: 'cols-a' });
      await ch.insertColumns('dedup_probe', ['id'], [[3]]);
      const [{ v }] = await ch.query<{ v: string }>("SELECT getSetting('insert_deduplication_token') AS v");
      expect(v).toBe('');
      const rows = await ch.query<{ id: number }>('SELECT id FROM dedup_probe ORDER BY id');
      expect(rows.map((r) => r.id)).toEqual([1, 2, 3]);
    });

    it('resets the settings even when the request fails', async () => {
      await expect(ch.insert('no_such_table', [{ id: 1 }], { insert_deduplication_token: 'failed' })).rejects.toThrow();
      await ch.insert('dedup_probe', [{ id: 7 }]);
      const [{ v }] = await ch.query<{ v: string }>("SELECT getSetting('insert_deduplication_token') AS v");
      expect(v).toBe('');
      const [{ c }] = await ch.query<{ c: string }>('SELECT count() AS c FROM dedup_probe');
      expect(Number(c)).toBe(1);
    });
  });

  describe('call event writer on the project schema', () => {
    let db: ClickHouseGateway;
    const rowsOf = (n: number, offset0: number): CallEventRow[] =>
      Array.from({ length: n }, (_, i) =>
        toCallEventRow(
          makeEvent(),
          { ...UNPRICED_AMOUNTS, cost: '0.000001', input_cost: '0.000001', priceId: 'p', priced: true },
          { partition: 0, offset: String(offset0 + i) },
        ),
      );
    const count = async (table: string, column: string) =>
      Number((await db.query<{ n: string }>(`SELECT toString(sum(${column})) AS n FROM ${table}`))[0].n);

    beforeAll(async () => {
      db = await ClickHouseGateway.connect(isolatedConfig('clickhouse_writer').clickhouse);
      await new ClickHouseMigrator(db).migrate();
    });
    afterAll(async () => {
      await db.command(`DROP DATABASE IF EXISTS ${db.database}`);
      await db.close();
    });

    // 30,000 ids once took 45 s in one lookup (an array parameter past 20,000 ids falls off a cliff)
    it('drops known ids among a chunk larger than one lookup, and a retried insert counts once', async () => {
      const writer = new CallEventWriter(db);
      // a week of ids at a modest rate: the lookup's cost grows with the index it searches
      await db.command(
        'INSERT INTO event_ids (event_id, first_seen) SELECT toString(generateUUIDv4()), now() FROM numbers(200000)',
      );
      const first = rowsOf(30_000, 0);
      await writer.insert(first, 'calls:0:0-29999');
      await writer.insert(first, 'calls:0:0-29999');
      expect(await count('call_events', '1')).toBe(30_000);
      expect(await count('usage_team_1m', 'requests')).toBe(30_000);

      const newcomers = rowsOf(5, 30_000);
      const fresh = await writer.dropKnown([...first, ...newcomers, newcomers[0]]);
      expect(fresh.map((r) => r.event_id)).toEqual(newcomers.map((r) => r.event_id));
    }, 30_000);

    it('a chunk whose write was cut short is retried whole: views that missed it get it, raw keeps one', async () => {
      const writer = new CallEventWriter(db);
      const rows = rowsOf(50, 100_000);
      const before = {
        raw: await count('call_events', '1'),
        hour: await count('usage_team_1h', 'requests'),
        day: await count('usage_team_totals_1d', 'requests'),
      };
      await writer.recordChunk('calls', 0, '100000', '100049');
      // a crash after the raw rows, their ids and the minute rollup were written, before the hour rollup was
      await db.command('DETACH TABLE usage_team_1h_mv');
      try {
        await writer.insert(await writer.dropKnown(rows), 'calls:0:100000-100049');
      } finally {
        await db.command('ATTACH TABLE usage_team_1h_mv');
      }
      expect(await count('usage_team_1h', 'requests')).toBe(before.hour);

      // the restarted worker finds the recorded chunk, cuts it the same, and re-sends the same rows with the same token
      const recorded = await writer.recordedChunks('calls', 0, '100000');
      expect(recorded).toEqual(new Map([['100000', '100049']]));
      const again = await writer.dropKnown(rows, { retry: true });
      expect(again).toHaveLength(rows.length);
      await writer.insert(again, 'calls:0:100000-100049');
      expect(await count('call_events', '1')).toBe(before.raw + rows.length);
      expect(await count('usage_team_1h', 'requests')).toBe(before.hour + rows.length);
      // fed by the hour rollup's views: the chain below the healed view got the rows once
      expect(await count('usage_team_totals_1d', 'requests')).toBe(before.day + rows.length);

      // outside a retry, and for another message carrying a known id, the id is known
      expect(await writer.dropKnown(rows)).toEqual([]);
      expect(await writer.dropKnown([{ ...rows[0], kafka_offset: '999999' }], { retry: true })).toEqual([]);
    });
  });

  describe('the schema the migrations build', () => {
    // every rollup is fed through its view (the day and platform ones through a chain of views)
    it('fills every rollup exactly once, down the chain of views, with its layout and codecs', async () => {
      const db = await ClickHouseGateway.connect(isolatedConfig('clickhouse_rollups').clickhouse);
      try {
        await new ClickHouseMigrator(db).migrate();
        const rows = Array.from({ length: 2_000 }, (_, i) =>
          toCallEventRow(
            makeEvent(),
            {
              ...UNPRICED_AMOUNTS,
              cost: '0.000123',
              input_cost: '0.000123',
              credits: '0.5',
              priceId: 'p',
              priced: true,
            },
            { partition: 0, offset: String(i) },
          ),
        );
        await new CallEventWriter(db).insert(rows, 'calls:0:0-1999');

        // raw events have bloom filters over key and user, built as rows are written
        const blooms = await db.query<{ name: string; expr: string; type: string; data_compressed_bytes: string }>(
          `SELECT name, expr, type, data_compressed_bytes FROM system.data_skipping_indices
           WHERE database = currentDatabase() AND table = 'call_events' AND type = 'bloom_filter' ORDER BY name`,
        );
        expect(blooms.map((b) => [b.name, b.expr])).toEqual([
          ['api_key_bloom', 'api_key_id'],
          ['idx_event_id', 'event_id'],
          ['idx_request_id', 'request_id'],
          ['idx_tags', 'tags'],
          ['user_bloom', 'user_id'],
        ]);
        for (const b of blooms.filter((b) => b.name.endsWith('_bloom')))
          expect(Number(b.data_compressed_bytes)).toBeGreaterThan(0);

        const expected = {
          requests: String(rows.length),
          tokens: String(rows.reduce((s, r) => s + r.input_tokens + r.output_tokens, 0)),
          cost: '0.246', // 2,000 x 0.000123, exact
          users: String(new Set(rows.map((r) => r.user_id)).size),
        };
        const totals = (table: string, users: string) =>
          db.query(
            `SELECT toString(sum(requests)) AS requests, toString(sum(input_tokens) + sum(output_tokens)) AS tokens,
               toString(sum(cost)) AS cost, toString(${users}) AS users FROM ${table}`,
          );
        expect(await totals('usage_team_1m', 'uniqMerge(users)')).toEqual([expected]);
        expect(await totals('usage_team_1h', 'uniqMerge(users)')).toEqual([expected]);
        expect(await totals('usage_key_1h', 'uniqExact(user_id)')).toEqual([expected]);
        expect(await totals('usage_detail_1d', 'uniqExact(user_id)')).toEqual([expected]);
        expect(await totals('usage_team_totals_1h', 'uniqMerge(users)')).toEqual([expected]);
        expect(await totals('usage_team_totals_1d', 'uniqMerge(users)')).toEqual([expected]);
        expect(await totals('usage_key_1d', 'uniqExact(user_id)')).toEqual([expected]);
        expect(await totals('usage_user_1d', 'uniqExact(user_id)')).toEqual([expected]);
        expect(await totals('usage_platform_1h', 'uniqMerge(users)')).toEqual([expected]);
        for (const table of ['usage_platform_totals_1m', 'usage_platform_totals_1h', 'usage_platform_totals_1d']) {
          expect({ table, totals: await totals(table, 'uniqMerge(users)') }).toEqual({ table, totals: [expected] });
        }
        // requests only: which models each user called, by hour and by day
        for (const [table, time] of [
          ['usage_user_models_1h', 13],
          ['usage_user_models_1d', 10],
        ] as const) {
          const [userModels] = await db.query<{ requests: string; users: string; pairs: string }>(
            `SELECT toString(sum(requests)) AS requests, toString(uniqExact(user_id)) AS users,
               toString(count()) AS pairs FROM ${table} FINAL`,
          );
          const pairs = new Set(rows.map((r) => `${r.occurred_at.slice(0, time)} ${r.team_id} ${r.user_id} ${r.model}`))
            .size;
          expect({ table, ...userModels }).toEqual({
            table,
            requests: expected.requests,
            users: expected.users,
            pairs: String(pairs),
          });
        }
        const [teamModels] = await db.query<{ requests: string; pairs: string }>(
          'SELECT toString(sum(requests)) AS requests, toString(count()) AS pairs FROM usage_team_models_1d FINAL',
        );
        const teamPairs = new Set(rows.map((r) => `${r.occurred_at.slice(0, 10)} ${r.team_id} ${r.model}`)).size;
        expect(teamModels).toEqual({ requests: expected.requests, pairs: String(teamPairs) });

        const later = rows.slice(0, 10).map((r) => ({ ...r, event_id: `${r.event_id}-b` }));
        await new CallEventWriter(db).insert(later, 'calls:0:2000-2009');
        // a retried insert (same offsets, same token) counts once, down the whole chain of views
        await new CallEventWriter(db).insert(later, 'calls:0:2000-2009');
        // raw is sorted by hour first, in granules of 2,048 rows
        const [raw] = await db.query<{ sorting_key: string; engine_full: string }>(
          `SELECT sorting_key, engine_full FROM system.tables
           WHERE database = currentDatabase() AND name = 'call_events'`,
        );
        expect(raw.sorting_key).toMatch(/^toStartOfHour\(occurred_at\), team_id/);
        expect(raw.engine_full).toContain('index_granularity = 2048');
        // the user-model day table is sorted by user first
        const [userModels] = await db.query<{ sorting_key: string }>(
          `SELECT sorting_key FROM system.tables WHERE database = currentDatabase() AND name = 'usage_user_models_1d'`,
        );
        expect(userModels.sorting_key).toMatch(/^user_id, day/);
        // the rollups read over whole ranges keep keys and sums uncompressed, states compressed
        const codecs = await db.query<{ table: string; name: string; type: string; compression_codec: string }>(
          `SELECT table, name, type, compression_codec FROM system.columns
           WHERE database = currentDatabase() AND table IN {tables:Array(String)} ORDER BY table, position`,
          {
            params: {
              tables: [
                'usage_key_1d',
                'usage_user_1d',
                'usage_team_totals_1d',
                'usage_team_models_1d',
                'usage_user_models_1d',
                'usage_platform_totals_1d',
                'usage_platform_totals_1h',
                'usage_team_totals_1h',
                'usage_platform_1h',
              ],
            },
          },
        );
        expect(new Set(codecs.map((c) => c.table)).size).toBe(9);
        for (const c of codecs) {
          const expectedCodec = c.type.startsWith('AggregateFunction(') ? '' : 'CODEC(NONE)';
          expect({ table: c.table, column: c.name, codec: c.compression_codec }).toEqual({
            table: c.table,
            column: c.name,
            codec: expectedCodec,
          });
        }
        // the day and platform rollups are fed by the hour rollups' inserts: a chain of views
        for (const table of [
          'call_events',
          'event_ids',
          'usage_team_1m',
          'usage_team_totals_1h',
          'usage_team_1h',
          'usage_key_1h',
          'usage_team_totals_1d',
          'usage_key_1d',
          'usage_user_1d',
          'usage_detail_1d',
          'usage_platform_1h',
          'usage_platform_totals_1m',
          'usage_platform_totals_1h',
          'usage_platform_totals_1d',
          'usage_user_models_1h',
          'usage_user_models_1d',
          'usage_team_models_1d',
        ]) {
          const measure = table === 'call_events' || table === 'event_ids' ? 'count()' : 'sum(requests)';
          const [{ n }] = await db.query<{ n: string }>(`SELECT toString(${measure}) AS n FROM ${table}`);
          expect({ table, n }).toEqual({ table, n: '2010' });
        }
      } finally {
        await db.command(`DROP DATABASE IF EXISTS ${db.database}`);
        await db.close();
      }
    });
  });

  describe('migration runner', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ch-migrations-'));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('applies pending files once, records them, and refuses a changed applied file', async () => {
      fs.writeFileSync(path.join(dir, '0001_first.sql'), 'CREATE TABLE IF NOT EXISTS mig_a (x UInt8) ENGINE = Memory');
      const migrator = new ClickHouseMigrator(ch, dir);
      // the runner's own table lives in the test database; reuse it across the checks below
      expect(await migrator.migrate()).toEqual({ applied: ['0001_first.sql'] });
      fs.writeFileSync(
        path.join(dir, '0002_second.sql'),
        'CREATE TABLE IF NOT EXISTS mig_b (x UInt8) ENGINE = Memory;\n',
      );
      expect(await migrator.migrate()).toEqual({ applied: ['0002_second.sql'] });
      expect(await migrator.migrate()).toEqual({ applied: [] });

      fs.writeFileSync(path.join(dir, '0001_first.sql'), 'CREATE TABLE IF NOT EXISTS mig_a (x UInt16) ENGINE = Memory');
      fs.writeFileSync(path.join(dir, '0003_third.sql'), 'CREATE TABLE IF NOT EXISTS mig_c (x UInt8) ENGINE = Memory');
      await expect(migrator.migrate()).rejects.toThrow(MigrationError);
      await expect(migrator.migrate()).rejects.toThrow(/0001_first.sql was changed after it was applied/);
      // nothing after the refusal was applied
      const tables = await ch.query<{ name: string }>(
        'SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE {p:String}',
        {
          params: { p: 'mig_%' },
        },
      );
      expect(tables.map((t) => t.name).sort()).toEqual(['mig_a', 'mig_b']);
    });

    it('refuses when an applied file disappeared', async () => {
      fs.rmSync(path.join(dir, '0002_second.sql'));
      fs.writeFileSync(path.join(dir, '0001_first.sql'), 'CREATE TABLE IF NOT EXISTS mig_a (x UInt8) ENGINE = Memory');
      await expect(new ClickHouseMigrator(ch, dir).migrate()).rejects.toThrow(/0002_second.sql is missing/);
    });

    it('applies the project migrations', async () => {
      const fresh = await ClickHouseGateway.connect({ ...isolatedConfig('clickhouse_project').clickhouse });
      try {
        const result = await new ClickHouseMigrator(fresh).migrate();
        expect(result.applied).toContain('0001_baseline.sql');
        const tables = await fresh.query<{ name: string }>(
          'SELECT name FROM system.tables WHERE database = currentDatabase()',
        );
        expect(tables.map((t) => t.name)).toEqual(
          expect.arrayContaining([
            'call_events',
            'event_ids',
            'usage_team_1m',
            'usage_team_1m_mv',
            'usage_team_1h',
            'usage_key_1h',
            'usage_detail_1d',
          ]),
        );
      } finally {
        await fresh.command(`DROP DATABASE IF EXISTS ${fresh.database}`);
        await fresh.close();
      }
    });
  });
});
