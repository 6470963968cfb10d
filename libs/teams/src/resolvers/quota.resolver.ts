import { Context, Float, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { QuotaType } from '../graphql-types';
import { RequestContext, TeamReader } from '../readers';

/** A quota's use in its current period (UTC day or month); the Quota rule decides who reads it. */
@Resolver(() => QuotaType)
export class QuotaResolver {
  constructor(private readonly reader: TeamReader) {}

  @ResolveField(() => Float, { description: 'use in the current period (UTC day or month), in the unit' })
  used(@Parent() quota: QuotaType, @Context() context: RequestContext): Promise<number> {
    return this.reader.loaders(context).quotaUse.load(quota);
  }

  @ResolveField(() => Float, {
    nullable: true,
    description: 'limit minus used: below zero once the quota is overrun (every quota has a limit, so never null)',
  })
  async remaining(@Parent() quota: QuotaType, @Context() context: RequestContext): Promise<number> {
    return quota.limit - (await this.reader.loaders(context).quotaUse.load(quota));
  }
}
