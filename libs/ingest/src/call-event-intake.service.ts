import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { BadUserInputError } from '@app/errors';
import { IdempotentProducer } from '@app/kafka';
import { validateCallEvent } from './call-event.validator';
import { tooOldReason } from './intake-horizon';

export interface IntakeResult {
  accepted: number;
  rejected: Array<{ index: number; reason: string }>;
}

/**
 * POST /v1/events: validates each event with the shared contract validator and produces
 * the valid ones to calls.v1 (key: team id, or user id for the personal space); an event past the
 * intake horizon is refused with its `too_old` reason. Returns only
 * once Kafka acknowledged them. A batch in which no event is valid is refused as a whole.
 */
@Injectable()
export class CallEventIntakeService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly producer: IdempotentProducer,
  ) {}

  async accept(body: unknown): Promise<IntakeResult> {
    if (!Array.isArray(body)) throw new BadUserInputError('body: must be a JSON array of call events');
    const max = this.config.ingest.maxEventsPerRequest;
    if (body.length > max) {
      throw new BadUserInputError(`body: ${body.length} events in one request, at most ${max} allowed`, { limit: max });
    }
    const rejected: IntakeResult['rejected'] = [];
    const messages: Array<{ key: string; value: string }> = [];
    const now = Date.now();
    body.forEach((item, index) => {
      const result = validateCallEvent(item, now);
      if (!result.ok) {
        rejected.push({ index, reason: result.reason });
        return;
      }
      const tooOld = tooOldReason(result.occurredAtMs, now, this.config.ingest.horizonDays);
      if (tooOld) {
        rejected.push({ index, reason: tooOld });
        return;
      }
      const event = result.event;
      messages.push({ key: event.team_id ?? event.user_id, value: JSON.stringify(event) });
    });
    if (body.length > 0 && messages.length === 0) {
      throw new BadUserInputError('no valid event in the request; nothing was accepted', { rejected });
    }
    await this.producer.send(this.config.kafka.callsTopic, messages);
    return { accepted: messages.length, rejected };
  }
}
