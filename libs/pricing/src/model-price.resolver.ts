import { Args, Mutation, Resolver, Query } from '@nestjs/graphql';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { RequirePlatformRole } from '@app/auth';
import { BadUserInputError, ConflictError } from '@app/errors';
import { PRICE_PATTERN } from './cost-calculator';
import { ModelPrice } from './model-price.entity';
import { ModelPriceType } from './model-price.type';

@Resolver(() => ModelPriceType)
export class ModelPriceResolver {
  constructor(@InjectRepository(ModelPrice) private readonly prices: Repository<ModelPrice>) {}

  @Query(() => [ModelPriceType], { description: 'every price version, newest first per model' })
  modelPrices(): Promise<ModelPrice[]> {
    return this.prices.find({ order: { model: 'ASC', effectiveFrom: 'DESC' } });
  }

  /** A new price version from effectiveFrom on; events are priced with the version in force at their time. */
  @Mutation(() => ModelPriceType)
  @RequirePlatformRole('ADMIN')
  async setModelPrice(
    @Args('model') model: string,
    @Args('effectiveFrom', { type: () => Date }) effectiveFrom: Date,
    @Args('inputPerMillion') inputPerMillion: string,
    @Args('outputPerMillion') outputPerMillion: string,
    @Args('cacheReadPerMillion', { type: () => String, nullable: true }) cacheReadPerMillion?: string,
    @Args('cacheWritePerMillion', { type: () => String, nullable: true }) cacheWritePerMillion?: string,
  ): Promise<ModelPrice> {
    if (!model.trim() || model.length > 128) throw new BadUserInputError('model: 1 to 128 characters');
    for (const [field, value] of Object.entries({
      inputPerMillion,
      outputPerMillion,
      cacheReadPerMillion,
      cacheWritePerMillion,
    })) {
      if (value != null && !PRICE_PATTERN.test(value))
        throw new BadUserInputError(
          `${field}: a non-negative decimal with at most 9 decimals, got ${JSON.stringify(value)}`,
        );
    }
    const existing = await this.prices.findOne({ where: { model, effectiveFrom } });
    if (existing) throw new ConflictError(`${model} already has a price effective from ${effectiveFrom.toISOString()}`);
    return this.prices.save(
      this.prices.create({
        model,
        effectiveFrom,
        inputPerMillion,
        outputPerMillion,
        cacheReadPerMillion: cacheReadPerMillion ?? null,
        cacheWritePerMillion: cacheWritePerMillion ?? null,
      }),
    );
  }
}
