import type { AppConfig } from '@app/config';
import { DlqReplayCommand } from '@app/ingest';
import { applicationTopics, createKafka, ensureTopics, IdempotentProducer } from '@app/kafka';
import { Kafka } from 'kafkajs';
import { makeEvent } from '../harness/events';
import { isolatedConfig, topicEnd } from '../harness/test-env';

describe('DLQ replay on the real broker', () => {
  let config: AppConfig;
  let kafka: Kafka;
  let producer: IdempotentProducer;

  beforeAll(async () => {
    config = isolatedConfig('dlq_replay');
    kafka = createKafka(config.kafka, '-test');
    await ensureTopics(kafka, applicationTopics(config.kafka));
    producer = new IdempotentProducer(kafka);
  });
  afterAll(async () => {
    await producer.disconnect();
  });

  it('re-publishes the messages that now pass, leaves the rest, and does not replay twice', async () => {
    const nowValid = Array.from({ length: 3 }, () => makeEvent());
    await producer.send(config.kafka.callsDlqTopic, [
      ...nowValid.map((e) => ({
        key: e.team_id,
        value: JSON.stringify(e),
        headers: { 'dlq-reason': 'occurred_at: more than 5 minutes in the future' },
      })),
      { key: 'x', value: 'still not json', headers: { 'dlq-reason': 'message: not valid JSON' } },
      {
        key: 'y',
        value: JSON.stringify({ ...makeEvent(), input_tokens: -1 }),
        headers: { 'dlq-reason': 'input_tokens: must be >= 0' },
      },
    ]);
    const before = await topicEnd(kafka, config.kafka.callsTopic);

    const report = await new DlqReplayCommand(kafka, config, producer).execute();
    expect(report).toEqual({
      read: 5,
      replayed: 3,
      stillInvalid: { 'message: not valid JSON': 1, 'input_tokens: must be >= 0': 1 },
    });
    expect(await topicEnd(kafka, config.kafka.callsTopic)).toBe(before + 3);

    const again = await new DlqReplayCommand(kafka, config, producer).execute();
    expect(again).toEqual({ read: 0, replayed: 0, stillInvalid: {} });
    expect(await topicEnd(kafka, config.kafka.callsTopic)).toBe(before + 3);
  });
});
