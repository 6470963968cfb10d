import { Field, Float, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { UsageDimension, UsageMetric } from '@app/analytics';

export enum AnomalyDirection {
  SPIKE = 'SPIKE',
  DROP = 'DROP',
}
registerEnumType(AnomalyDirection, { name: 'AnomalyDirection' });

@ObjectType('TeamEventNote', { description: 'A team event in an incident or the hour before it' })
export class TeamEventNoteType {
  @Field(() => Date) at: Date;
  @Field({ description: 'the event type, e.g. ApiKeyRevoked, RoleChanged, QuotaSet, SeatReclaimed, PriceSet' })
  type: string;
  @Field() summary: string;
}

@ObjectType('Anomaly', { description: 'An incident of one metric of the platform, a team, a model or an API key' })
export class AnomalyType {
  /** who may read it (the Anomaly rule): the team's managers, the key's owner; platform staff always */
  teamIdForAccess: string | null;
  ownerId: string | null;
  /** the notes, read for every listed incident at once when the first is asked for */
  notes: () => Promise<TeamEventNoteType[]>;

  @Field(() => ID) id: string;
  @Field(() => UsageMetric, { description: 'COST and TOKENS_PER_MINUTE are per minute' }) metric: UsageMetric;
  @Field(() => UsageDimension, { nullable: true, description: 'TEAM, MODEL or API_KEY; null: the platform' })
  dimension: UsageDimension | null;
  @Field(() => String, { nullable: true }) key: string | null;
  @Field(() => String, { nullable: true }) label: string | null;
  @Field(() => ID, { nullable: true }) teamId: string | null;
  @Field(() => Date) startedAt: Date;
  @Field(() => Date, { nullable: true }) endedAt: Date | null;
  @Field(() => Float, { description: 'baseline value at the latest bad minute' }) expected: number;
  @Field(() => Float, { description: 'observed value at the latest bad minute' }) observed: number;
  @Field(() => Float, { description: '(observed - expected) / robust spread at the latest bad minute' })
  score: number;
  @Field(() => Float, { description: 'observed value at the most extreme minute' }) peak: number;
  @Field(() => Float, { description: 'score at the most extreme minute' }) peakScore: number;
  @Field(() => AnomalyDirection) direction: AnomalyDirection;
  @Field({ description: 'OPEN or RESOLVED' }) status: string;
}
