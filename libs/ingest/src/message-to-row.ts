import { computeCost, PriceVersion, UNPRICED_AMOUNTS } from '@app/pricing';
import { decodeCallEvent } from './call-event-decoder';
import { CallEventRow, toCallEventRow } from './call-event-row';
import { clickHouseRowProblem } from './clickhouse-values';

/** What turning one message into a row needs, besides the message. */
export interface MessageToRowDeps {
  partition: number;
  now: number;
  creditsPerUnit: number;
  priceAt: (model: string, at: number) => PriceVersion | undefined;
}

/** The part of a Kafka message the worker reads. */
export interface IncomingMessage {
  value: Buffer | null;
  offset: string;
}

export type RowOrReason = { row: CallEventRow; reason?: undefined } | { row?: undefined; reason: string };

/**
 * One message of calls.v1 → its call_events row, or the reason it goes to the DLQ. Never throws:
 * a message the worker cannot turn into a row must not stop its partition (kafkajs would restart
 * the consumer on it forever, holding back every event behind it), so anything unexpected while
 * decoding, validating, pricing or building the row becomes the reason `internal: <message>`;
 * and a row ClickHouse would refuse (which fails the whole insert, every retry) is a reason too.
 */
export function toRowOrReason(message: IncomingMessage, deps: MessageToRowDeps): RowOrReason {
  try {
    const decoded = decodeCallEvent(message.value, deps.now);
    if (!decoded.ok) return { reason: decoded.reason };
    const { event, occurredAtMs } = decoded;
    const price = deps.priceAt(event.model, occurredAtMs);
    const money = price ? computeCost(event, price, deps.creditsPerUnit) : UNPRICED_AMOUNTS;
    const row = toCallEventRow(
      event,
      { ...money, priceId: price?.id ?? '', priced: price !== undefined },
      { partition: deps.partition, offset: message.offset },
    );
    const problem = clickHouseRowProblem(row);
    return problem ? { reason: problem } : { row };
  } catch (error) {
    return { reason: `internal: ${describeThrown(error)}` };
  }
}

function describeThrown(error: unknown): string {
  try {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return text.slice(0, 500);
  } catch {
    return 'unprintable error';
  }
}
