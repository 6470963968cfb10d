import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class UsageSummary {
  @Field(() => Float) requests: number;
  @Field(() => Float) successes: number;
  @Field(() => Float) errors: number;
  @Field(() => Float, { nullable: true }) successRate: number | null;
  @Field(() => Float) inputTokens: number;
  @Field(() => Float) outputTokens: number;
  @Field(() => Float, { description: 'The part of outputTokens spent on reasoning' }) reasoningTokens: number;
  @Field(() => Float) cacheReadTokens: number;
  @Field(() => Float) cacheWriteTokens: number;
  @Field(() => Float) totalTokens: number;
  @Field(() => String, { description: 'Decimal string, exact' }) cost: string;
  @Field(() => String, { description: 'Decimal string, exact' }) credits: string;
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
}
