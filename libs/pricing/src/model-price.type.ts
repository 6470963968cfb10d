import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType('ModelPrice')
export class ModelPriceType {
  @Field(() => ID) id: string;
  @Field() model: string;
  @Field(() => Date) effectiveFrom: Date;
  @Field({ description: 'decimal string, per million tokens' }) inputPerMillion: string;
  @Field() outputPerMillion: string;
  @Field(() => String, { nullable: true, description: 'null: cache reads are charged at the input price' })
  cacheReadPerMillion: string | null;
  @Field(() => String, { nullable: true, description: 'null: cache writes are charged at the input price' })
  cacheWritePerMillion: string | null;
}
