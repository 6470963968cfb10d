import { Field, Float, ID, ObjectType } from '@nestjs/graphql';

@ObjectType('RepriceResult', { description: 'One repricing run, as audited' })
export class RepriceResultType {
  @Field(() => ID) id: string;
  @Field() model: string;
  @Field() from: Date;
  @Field() to: Date;
  @Field(() => Float, { description: 'events of the model in the range, ingested by the run' }) events: number;
  @Field({ description: 'their cost before the run, decimal string, exact' }) oldCost: string;
  @Field({ description: 'their cost with the prices as they stand now, decimal string, exact' }) newCost: string;
  @Field() createdAt: Date;
  @Field(() => ID, { description: 'the user who started the run' }) by: string;
}

@ObjectType('Restatement', { description: 'A change to a closed period since its close' })
export class RestatementType {
  @Field({ description: 'when the change was written (its last event ingested, or its repricing)' }) at: Date;
  @Field({ description: 'late events, a DLQ replay or a repricing run, with when and what' }) cause: string;
  @Field({ description: 'the cost it adds (negative: removes), decimal string, exact' }) amount: string;
  @Field(() => Float, { description: 'the requests it adds' }) requests: number;
}

@ObjectType('Statement', { description: "A team's month: its totals at the close, each restatement since, and now" })
export class StatementType {
  @Field(() => ID) teamId: string;
  @Field() period: string;
  @Field(() => Date, { nullable: true, description: 'null: the period is not closed (the totals are current)' })
  closedAt: Date | null;
  @Field({ description: 'cost at the close, decimal string, exact' }) cost: string;
  @Field({ description: 'credits at the close, decimal string, exact' }) credits: string;
  @Field(() => Float) requests: number;
  @Field(() => [RestatementType]) restatements: RestatementType[];
  @Field({ description: 'the cost now (usageSummary): cost plus every restatement, exactly' }) current: string;
}
