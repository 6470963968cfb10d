import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { SummedMeasureFields } from './measure-fields';

/** The totals of a range: every summed catalogue measure (SummedMeasureFields), and what is computed from them. */
@ObjectType()
export class UsageSummary extends SummedMeasureFields() {
  @Field(() => Float, { nullable: true }) successRate: number | null;
  @Field(() => Float) totalTokens: number;
  @Field(() => Int) activeUsers: number;
  @Field(() => Float, { nullable: true }) avgRequestsPerUser: number | null;
  @Field(() => Float, { nullable: true }) latencyP50: number | null;
  @Field(() => Float, { nullable: true }) latencyP95: number | null;
  @Field(() => Float, { nullable: true }) latencyP99: number | null;
  @Field(() => Float, { nullable: true, description: 'errors / requests; null with no requests' })
  errorRate: number | null;
  @Field(() => Float, { nullable: true, description: 'time to first token (ms), over the calls that recorded one' })
  ttftP50: number | null;
  @Field(() => Float, { nullable: true }) ttftP95: number | null;
  @Field(() => Float, { nullable: true }) ttftP99: number | null;
  @Field(() => Float) businessCalls: number;
  @Field(() => Float) internalCalls: number;
  @Field(() => String, { description: 'the currency of cost and its line items (ISO 4217), one per deployment' })
  currency: string;
  @Field(() => [String], {
    description: 'models with calls in the range that had no price at their time (costed 0), sorted',
  })
  unpricedModels: string[];
}
