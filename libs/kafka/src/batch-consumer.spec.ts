import type { Batch, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { BatchConsumer, BatchConsumerOptions, BatchHandler } from './batch-consumer';
import { DLQ_MAX_VALUE_BYTES, sendToDeadLetterTopic, skipAndCount } from './dead-letters';

type EachBatch = (payload: EachBatchPayload) => Promise<void>;

/** A kafkajs consumer that records what the loop asks of it; `eachBatch` is what run() was given. */
function fakeKafka() {
  const listeners = new Map<string, (event: { payload: Record<string, unknown> }) => void>();
  const consumer = {
    events: { CRASH: 'crash', GROUP_JOIN: 'group_join' },
    on: jest.fn((event: string, listener: (event: { payload: Record<string, unknown> }) => void) => {
      listeners.set(event, listener);
    }),
    connect: jest.fn(async () => undefined),
    subscribe: jest.fn(async () => undefined),
    run: jest.fn(async (config: { eachBatch: EachBatch }) => void (fake.eachBatch = config.eachBatch)),
    disconnect: jest.fn(async () => undefined),
  };
  const fake = {
    consumer,
    kafka: { consumer: jest.fn(() => consumer) } as unknown as Kafka,
    eachBatch: undefined as EachBatch | undefined,
    emit: (event: string, payload: Record<string, unknown>) => listeners.get(event)!({ payload }),
  };
  return fake;
}

const message = (offset: number, value = `m${offset}`): KafkaMessage =>
  ({
    offset: String(offset),
    key: Buffer.from('k'),
    value: Buffer.from(value),
    headers: {},
  }) as unknown as KafkaMessage;

/** A fetched batch of the given offsets; `owned` says whether the partition is still this consumer's. */
function payload(offsets: number[], owned: () => boolean = () => true) {
  const commits: string[] = [];
  const batch = {
    topic: 'calls',
    partition: 2,
    highWatermark: String(offsets.at(-1)! + 5),
    messages: offsets.map((o) => message(o)),
    firstOffset: () => (offsets.length ? String(offsets[0]) : null),
  } as unknown as Batch;
  const fakePayload = {
    batch,
    heartbeat: jest.fn(async () => undefined),
    isRunning: owned,
    isStale: () => false,
    resolveOffset: jest.fn(),
    commitOffsetsIfNecessary: jest.fn(async (offsets: { topics: Array<{ partitions: Array<{ offset: string }> }> }) => {
      commits.push(offsets.topics[0].partitions[0].offset);
    }),
  };
  return { payload: fakePayload as unknown as EachBatchPayload, commits };
}

/** A handler that keeps every message whose value is not "bad", recording what it was asked in order. */
function recordingHandler(log: string[], store?: () => Promise<void>): BatchHandler<string[]> {
  return {
    decode: async (chunk) => {
      log.push(`decode ${chunk.messages.map((m) => m.offset).join(',')}`);
      const bad = chunk.messages.filter((m) => m.value!.toString() === 'bad');
      return {
        records: chunk.messages.filter((m) => !bad.includes(m)).map((m) => m.offset),
        rejected: bad.map((m) => ({ message: m, reason: 'value: bad' })),
      };
    },
    store: async ({ records }) => {
      await store?.();
      log.push(`store ${records.join(',')}`);
    },
  };
}

async function started(
  options: Partial<BatchConsumerOptions<string[]>> & Pick<BatchConsumerOptions<string[]>, 'handler'>,
) {
  const fake = fakeKafka();
  const loop = new BatchConsumer<string[]>({
    name: 'test',
    kafka: fake.kafka,
    topic: 'calls',
    consumer: { groupId: 'g' },
    deadLetters: skipAndCount(() => undefined, 'debug'),
    ...options,
  });
  await loop.start();
  return { fake, loop };
}

describe('BatchConsumer', () => {
  it('commits each planned chunk through its last offset, after the chunk was stored', async () => {
    const log: string[] = [];
    const committed: string[] = [];
    const handler: BatchHandler<string[]> = {
      ...recordingHandler(log),
      plan: async () => [
        { start: 0, end: 2, retry: false },
        { start: 2, end: 3, retry: true },
      ],
    };
    const { fake } = await started({ handler, hooks: { onCommitted: (_p, _h, next) => void committed.push(next) } });
    const { payload: p, commits } = payload([10, 11, 12]);
    await fake.eachBatch!(p);
    expect(log).toEqual(['decode 10,11', 'store 10,11', 'decode 12', 'store 12']);
    expect(commits).toEqual(['12', '13']);
    expect(committed).toEqual(['12', '13']);
    expect(p.resolveOffset).toHaveBeenLastCalledWith('12');
  });

  it('sends rejected messages to the DLQ with their reason and origin before the chunk is stored', async () => {
    const log: string[] = [];
    const sent: Array<{ topic: string; headers: Record<string, unknown> }> = [];
    const sender = {
      send: async (topic: string, messages: Array<{ headers?: Record<string, unknown> }>) => {
        log.push('dlq');
        for (const m of messages) sent.push({ topic, headers: m.headers! });
      },
    };
    const { fake } = await started({
      handler: recordingHandler(log),
      deadLetters: sendToDeadLetterTopic(sender, 'calls.dlq'),
    });
    const { payload: p, commits } = payload([5, 6]);
    p.batch.messages[0] = message(5, 'bad');
    await fake.eachBatch!(p);
    expect(log).toEqual(['decode 5,6', 'dlq', 'store 6']);
    expect(sent).toEqual([
      {
        topic: 'calls.dlq',
        headers: {
          'dlq-reason': 'value: bad',
          'dlq-source-topic': 'calls',
          'dlq-source-partition': '2',
          'dlq-source-offset': '5',
        },
      },
    ]);
    expect(commits).toEqual(['7']);
  });

  it('cuts a dead letter that would not fit a request, and says how long it was', async () => {
    const sent: Array<{ value: Buffer; headers: Record<string, unknown> }> = [];
    const policy = sendToDeadLetterTopic({ send: async (_t, m) => void sent.push(...(m as typeof sent)) }, 'dlq');
    const huge = message(1, 'x'.repeat(DLQ_MAX_VALUE_BYTES + 10));
    const chunk = { topic: 'calls', partition: 0, highWatermark: '2', messages: [huge], retry: false };
    await policy.handle([{ message: huge, reason: 'too big' }], chunk, { retry: (_s, step) => step() });
    expect(sent[0].value.length).toBe(DLQ_MAX_VALUE_BYTES);
    expect(sent[0].headers['dlq-truncated-from-bytes']).toBe(String(DLQ_MAX_VALUE_BYTES + 10));
  });

  it('skips and counts rejected messages, committing past them', async () => {
    const log: string[] = [];
    const counted: string[] = [];
    const { fake } = await started({
      handler: recordingHandler(log),
      deadLetters: skipAndCount((r) => void counted.push(`${r.message.offset} ${r.reason}`), 'debug'),
    });
    const { payload: p, commits } = payload([1, 2, 3]);
    p.batch.messages[1] = message(2, 'bad');
    await fake.eachBatch!(p);
    expect(counted).toEqual(['2 value: bad']);
    expect(log).toEqual(['decode 1,2,3', 'store 1,3']);
    expect(commits).toEqual(['4']);
  });

  it('retries a failing step while the partition is owned, then gives the chunk up uncommitted', async () => {
    let owned = true;
    let attempts = 0;
    const failures: string[] = [];
    const handler: BatchHandler<string[]> = {
      decode: async (chunk) => ({ records: chunk.messages.map((m) => m.offset), rejected: [] }),
      store: async (_d, _c, steps) =>
        steps.retry('insert', async () => {
          attempts++;
          if (attempts === 2) owned = false;
          throw new Error('store down');
        }),
    };
    const { fake } = await started({
      handler,
      hooks: { onStepFailure: (stage, n) => void failures.push(`${stage} ${n}`) },
    });
    const { payload: p, commits } = payload([1], () => owned);
    // one real backoff (200 ms) between the two attempts
    await expect(fake.eachBatch!(p)).rejects.toThrow('store down');
    expect(failures).toEqual(['insert 0', 'insert 1']);
    expect(commits).toEqual([]);
  });

  it("stops between chunks once the partition is no longer this consumer's", async () => {
    let owned = true;
    const log: string[] = [];
    const handler: BatchHandler<string[]> = {
      ...recordingHandler(log, async () => void (owned = false)),
      plan: async () => [
        { start: 0, end: 1, retry: false },
        { start: 1, end: 2, retry: false },
      ],
    };
    const { fake } = await started({ handler });
    const { payload: p, commits } = payload([1, 2], () => owned);
    await fake.eachBatch!(p);
    expect(log).toEqual(['decode 1', 'store 1']);
    expect(commits).toEqual(['2']);
  });

  it('starts the consumer again after a crash kafkajs does not recover from, and counts every crash', async () => {
    let crashes = 0;
    const { fake, loop } = await started({
      handler: recordingHandler([]),
      restartDelayMs: 0,
      hooks: { onCrash: () => void crashes++ },
    });
    expect(fake.consumer.run).toHaveBeenCalledTimes(1);
    fake.emit('crash', { restart: true, error: new Error('retriable') });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fake.consumer.run).toHaveBeenCalledTimes(1);
    fake.emit('crash', { restart: false, error: new Error('fatal') });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fake.consumer.run).toHaveBeenCalledTimes(2);
    expect(crashes).toBe(2);

    await loop.stop();
    fake.emit('crash', { restart: false, error: new Error('while stopping') });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fake.consumer.run).toHaveBeenCalledTimes(2);
  });

  it('keeps trying to start a crashed consumer while the broker refuses it', async () => {
    const { fake, loop } = await started({ handler: recordingHandler([]), restartDelayMs: 0 });
    const refused = new Error('broker down');
    fake.consumer.connect.mockRejectedValueOnce(refused).mockRejectedValueOnce(refused);
    fake.emit('crash', { restart: false, error: new Error('fatal') });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(fake.consumer.connect).toHaveBeenCalledTimes(4);
    expect(fake.consumer.run).toHaveBeenCalledTimes(2);
    await loop.stop();
  });

  it('reports the partitions the group assigned on the topic', async () => {
    const assigned: number[][] = [];
    const { fake } = await started({
      handler: recordingHandler([]),
      hooks: { onAssigned: (p) => void assigned.push(p) },
    });
    fake.emit('group_join', { memberAssignment: { calls: [0, 2], other: [1] } });
    fake.emit('group_join', { memberAssignment: { other: [1] } });
    expect(assigned).toEqual([[0, 2], []]);
  });
});
