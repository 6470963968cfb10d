import { Context, Int, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { PlanType, SeatType, toSeat } from '../graphql-types';
import { RequestContext, TeamReader } from '../readers';

@Resolver(() => PlanType)
export class PlanResolver {
  constructor(private readonly reader: TeamReader) {}

  private async seats(plan: PlanType, context: RequestContext): Promise<SeatType[]> {
    return (await this.reader.loaders(context).seatsOfPlan.load(plan.id)).map((row) => toSeat(row, plan.endsAt));
  }

  private async count(plan: PlanType, context: RequestContext, status: string): Promise<number> {
    return (await this.seats(plan, context)).filter((seat) => seat.status === status).length;
  }

  @ResolveField(() => Int)
  assigned(@Parent() plan: PlanType, @Context() context: RequestContext): Promise<number> {
    return this.count(plan, context, 'ASSIGNED');
  }

  @ResolveField(() => Int)
  unassigned(@Parent() plan: PlanType, @Context() context: RequestContext): Promise<number> {
    return this.count(plan, context, 'UNASSIGNED');
  }

  @ResolveField(() => Int)
  expired(@Parent() plan: PlanType, @Context() context: RequestContext): Promise<number> {
    return this.count(plan, context, 'EXPIRED');
  }

  @ResolveField(() => [SeatType])
  seatList(@Parent() plan: PlanType, @Context() context: RequestContext): Promise<SeatType[]> {
    return this.seats(plan, context);
  }
}
