import { Field, Float, ObjectType } from '@nestjs/graphql';
import { PageInfo } from './usage-types';

/** Cost by line item: the four parts, priced at ingest, add up to the row's cost exactly. */
@ObjectType()
export class LineItems {
  @Field(() => String, { description: 'input tokens read neither from nor into the cache: decimal string, exact' })
  input: string;
  @Field(() => String, { description: 'output tokens: decimal string, exact' }) output: string;
  @Field(() => String, { description: 'cache reads: decimal string, exact' }) cacheRead: string;
  @Field(() => String, { description: 'cache writes: decimal string, exact' }) cacheWrite: string;
}

/** One group of a cost report: a combination of the grouped dimensions' values, in one bucket when bucketed. */
@ObjectType()
export class CostRow {
  @Field(() => [String], { description: "the group's value of each groupBy dimension, in groupBy's order" })
  keys: string[];
  @Field(() => [String], { description: 'the display name of each key (team, user, key names; else the value)' })
  labels: string[];
  @Field(() => Date, { nullable: true, description: "the bucket's start, with a granularity; else null" })
  bucket: Date | null;
  @Field(() => Float) requests: number;
  @Field(() => Float) inputTokens: number;
  @Field(() => Float) outputTokens: number;
  @Field(() => Float) cacheReadTokens: number;
  @Field(() => Float) cacheWriteTokens: number;
  @Field(() => String, { description: 'decimal string, exact; the sum of lineItems' }) cost: string;
  @Field(() => LineItems) lineItems: LineItems;
  @Field(() => String, { description: 'decimal string, exact' }) credits: string;
  @Field(() => Float, { description: 'calls of a model with no price at their time (costed 0)' })
  unpricedRequests: number;
  @Field(() => Float, { description: 'input and output tokens of the unpriced calls' })
  unpricedTokens: number;
}

@ObjectType()
export class CostRowEdge {
  @Field(() => CostRow) node: CostRow;
  @Field(() => String) cursor: string;
}

@ObjectType()
export class CostRowConnection {
  @Field(() => [CostRowEdge]) edges: CostRowEdge[];
  @Field(() => PageInfo) pageInfo: PageInfo;
  @Field(() => String, { description: 'the currency of cost and line items (ISO 4217), one per deployment' })
  currency: string;
}
