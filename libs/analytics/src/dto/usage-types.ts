import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { UsageMetric } from '@app/catalog';
import { EventMeasureFields } from './measure-fields';

@ObjectType()
export class Point {
  @Field(() => Date) t: Date;
  @Field(() => Float, { nullable: true }) value: number | null;
  @Field(() => String, {
    nullable: true,
    description: 'money metrics (cost, its line items, credits): the value as exact decimal text; null for others',
  })
  amount?: string | null;
}

@ObjectType()
export class Series {
  @Field(() => UsageMetric) metric: UsageMetric;
  @Field(() => String, {
    nullable: true,
    description:
      'the splitBy value (id or name), null when not split; "__others__" for the one series that sums the split ' +
      'values beyond the first 50 (by requests)',
  })
  key: string | null;
  @Field(() => String, { nullable: true }) label: string | null;
  @Field(() => [Point]) points: Point[];
  @Field(() => Float, { nullable: true }) min: number | null;
  @Field(() => Float, { nullable: true }) max: number | null;
  @Field(() => Float, { nullable: true }) avg: number | null;
  @Field(() => String, {
    nullable: true,
    description: 'the currency of the amounts (ISO 4217) for cost and its line items; null for credits and non-money',
  })
  currency?: string | null;
  @Field(() => String, { nullable: true, description: 'money metrics: min of the points, exact' })
  minAmount?: string | null;
  @Field(() => String, { nullable: true, description: 'money metrics: max of the points, exact' })
  maxAmount?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'money metrics: mean of the points, exact sum / count rounded to 15 decimals, half to even',
  })
  avgAmount?: string | null;
}

@ObjectType()
export class RankingEntry {
  @Field(() => String) key: string;
  @Field(() => String) label: string;
  @Field(() => Float) value: number;
  @Field(() => Float, { description: 'value / total over every key of the dimension (0 when the total is 0)' })
  share: number;
  @Field(() => [Point]) points: Point[];
  @Field(() => String, { nullable: true, description: 'money metrics: the value as exact decimal text' })
  amount?: string | null;
  @Field(() => Float, { description: 'calls of a model with no price at their time (costed 0)' })
  unpricedRequests: number;
}

@ObjectType()
export class PageInfo {
  @Field(() => Boolean) hasNextPage: boolean;
  @Field(() => String, { nullable: true }) endCursor: string | null;
}

@ObjectType()
export class BreakdownRow {
  @Field(() => String) key: string;
  @Field(() => String) label: string;
  @Field(() => String, { nullable: true }) email: string | null;
  @Field(() => [Float], { description: 'requests per bucket across the range' }) sparkline: number[];
  @Field(() => [String], { description: 'the three most used models' }) models: string[];
  @Field(() => Int) moreModels: number;
  @Field(() => Float) requests: number;
  @Field(() => Float) inputTokens: number;
  @Field(() => Float) outputTokens: number;
  @Field(() => String) cost: string;
  @Field(() => String, { description: 'Decimal string, exact' }) credits: string;
  /** the team of the row (UsageQueries.teamsOfRows), resolved to a Team by BreakdownRowResolver */
  teamId: string | null;
  @Field(() => Float, { description: 'calls of a model with no price at their time (costed 0)' })
  unpricedRequests: number;
}

/** A value of a dimension present in the filtered usage, for filter drop-downs. */
@ObjectType()
export class DimensionValue {
  @Field(() => String, { description: 'the value as filters take it (an id, or the name itself)' }) key: string;
  @Field(() => String, { description: 'the name to show: of the team, user or key, or the value itself' })
  label: string;
}

@ObjectType()
export class BreakdownEdge {
  @Field(() => BreakdownRow) node: BreakdownRow;
  @Field(() => String) cursor: string;
}

@ObjectType()
export class BreakdownConnection {
  @Field(() => [BreakdownEdge]) edges: BreakdownEdge[];
  @Field(() => PageInfo) pageInfo: PageInfo;
  @Field(() => Int) totalCount: number;
}

/** One raw event, with a field per count the event carries (EventMeasureFields). */
@ObjectType()
export class CallLog extends EventMeasureFields() {
  @Field(() => ID) eventId: string;
  @Field(() => Date) occurredAt: Date;
  @Field(() => ID, { nullable: true }) teamId: string | null;
  @Field(() => ID) userId: string;
  @Field(() => ID) apiKeyId: string;
  @Field(() => String) service: string;
  @Field(() => String) model: string;
  @Field(() => String) modelType: string;
  @Field(() => String) source: string;
  @Field(() => Int) latencyMs: number;
  @Field(() => Int, { nullable: true }) ttftMs: number | null;
  @Field(() => String) status: string;
  @Field(() => Int, { nullable: true }) httpStatus: number | null;
  @Field(() => String, { nullable: true }) errorCode: string | null;
  @Field(() => String) cost: string;
  @Field(() => [String]) tags: string[];
  @Field(() => String, { nullable: true }) requestId: string | null;
  @Field(() => Boolean, {
    description: 'made with a test key (callLogs lists these only when the filter includes test calls)',
  })
  test: boolean;
}

@ObjectType()
export class CallLogEdge {
  @Field(() => CallLog) node: CallLog;
  @Field(() => String) cursor: string;
}

@ObjectType()
export class CallLogConnection {
  @Field(() => [CallLogEdge]) edges: CallLogEdge[];
  @Field(() => PageInfo) pageInfo: PageInfo;
  @Field(() => Int, { description: 'events matching the filter' }) totalCount: number;
}
