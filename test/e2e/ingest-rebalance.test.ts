import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Partitioners, Producer } from 'kafkajs';
import type { AppConfig } from '@app/config';
import { createKafka } from '@app/kafka';
import { graphql, startStandalone } from '../harness/app';
import { makeEvent, sums } from '../harness/events';
import { dropDatabase, isolatedConfig, waitFor } from '../harness/test-env';

const SUMMARY = `query($filter: UsageFilter!) { usageSummary(filter: $filter) { requests inputTokens outputTokens } }`;

/**
 * Workers joining and leaving the consumer group while events flow: partitions move between
 * members (three apps in this process share one embedded engine), and every event still
 * counts exactly once.
 */
describe('ingest across consumer-group rebalances', () => {
  let config: AppConfig;
  const apps: INestApplication[] = [];
  let producer: Producer;

  beforeAll(async () => {
    config = isolatedConfig('rebalance', { KAFKA_TOPIC_PARTITIONS: '6', INGEST_BATCH_MAX_EVENTS: '500' });
    producer = createKafka(config.kafka, '-test').producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
    for (const app of apps) await app.close().catch(() => undefined);
    if (config) await dropDatabase(config);
  });

  it('counts 20,000 events exactly while members join and leave', async () => {
    const teams = Array.from({ length: 12 }, () => randomUUID());
    const events = Array.from({ length: 20_000 }, (_, i) => makeEvent({ team_id: teams[i % teams.length] }));
    const first = await startStandalone(config);
    apps.push(first);

    const producing = (async () => {
      for (let i = 0; i < events.length; i += 500) {
        await producer.send({
          topic: config.kafka.callsTopic,
          acks: -1,
          messages: events.slice(i, i + 500).map((e) => ({ key: e.team_id, value: JSON.stringify(e) })),
        });
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    await new Promise((r) => setTimeout(r, 1_000));
    const second = await startStandalone(config); // joins: partitions are split
    apps.push(second);
    await new Promise((r) => setTimeout(r, 1_500));
    await first.close(); // leaves: its partitions move to the second
    await new Promise((r) => setTimeout(r, 1_000));
    const third = await startStandalone(config);
    apps.push(third);
    await producing;

    const total = async () => {
      const res = await graphql<{ usageSummary: { requests: number; inputTokens: number; outputTokens: number } }>(
        third,
        SUMMARY,
        {
          filter: { range: { preset: 'LAST_1_DAY' }, teamIds: teams },
        },
      );
      return res.data!.usageSummary;
    };
    await waitFor('20,000 events', total, (s) => s.requests >= 20_000, 120_000, 500);
    await new Promise((r) => setTimeout(r, 1_500));
    const expected = sums(events);
    expect(await total()).toEqual({
      requests: 20_000,
      inputTokens: expected.inputTokens,
      outputTokens: expected.outputTokens,
    });
  });
});
