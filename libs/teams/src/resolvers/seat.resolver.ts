import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { PlanType, SeatType, toPlan, toUser, UserType } from '../graphql-types';
import { RequestContext, TeamReader } from '../readers';

@Resolver(() => SeatType)
export class SeatResolver {
  constructor(private readonly reader: TeamReader) {}

  @ResolveField(() => PlanType)
  async plan(@Parent() seat: SeatType, @Context() context: RequestContext): Promise<PlanType> {
    return toPlan((await this.reader.loaders(context).plans.load(seat.planId))!);
  }

  @ResolveField(() => UserType, { nullable: true })
  async user(@Parent() seat: SeatType, @Context() context: RequestContext): Promise<UserType | null> {
    if (!seat.userId) return null;
    const user = await this.reader.loaders(context).users.load(seat.userId);
    return user ? toUser(user) : null;
  }
}
