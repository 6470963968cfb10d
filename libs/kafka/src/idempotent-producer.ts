import { CompressionTypes, Kafka, Message, Partitioners, Producer } from 'kafkajs';

/** Below the broker's default message.max.bytes (1 MiB), which bounds one record batch. */
export const MAX_REQUEST_BYTES = 512 * 1024;

function approximateSize(message: Message): number {
  let size = 64;
  if (message.key) size += Buffer.byteLength(message.key);
  if (message.value) size += Buffer.byteLength(message.value);
  for (const [k, v] of Object.entries(message.headers ?? {})) {
    size += k.length + (v ? Buffer.byteLength(v as string | Buffer) : 0);
  }
  return size;
}

/**
 * The producer every service uses: idempotent (no duplicates from its own retries), acks from
 * all in-sync replicas, one request in flight so ordering survives retries. Large sends are
 * split into requests the broker accepts, in order.
 */
export class IdempotentProducer {
  private readonly producer: Producer;
  private connected?: Promise<void>;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  connect(): Promise<void> {
    this.connected ??= this.producer.connect();
    return this.connected;
  }

  /** Resolves once the broker acknowledged every message (acks = -1). */
  async send(topic: string, messages: Message[]): Promise<void> {
    if (messages.length === 0) return;
    await this.connect();
    let chunk: Message[] = [];
    let bytes = 0;
    for (const message of messages) {
      const size = approximateSize(message);
      if (chunk.length > 0 && bytes + size > MAX_REQUEST_BYTES) {
        await this.producer.send({ topic, messages: chunk, acks: -1, compression: CompressionTypes.None });
        chunk = [];
        bytes = 0;
      }
      chunk.push(message);
      bytes += size;
    }
    await this.producer.send({ topic, messages: chunk, acks: -1, compression: CompressionTypes.None });
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = undefined;
    await this.producer.disconnect();
  }
}
