import { Args, Context, ID, Int, Mutation, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Principal } from '@app/auth';
import { PlanType, SeatType, toPlan, toSeat } from '../graphql-types';
import type { SeatRow } from '../persistence';
import { RequestContext, TeamReader } from '../readers';
import {
  AssignSeat,
  AssignSeatCommand,
  buildCommand,
  CreatePlan,
  CreatePlanCommand,
  ReclaimSeat,
  ReclaimSeatCommand,
  RenewPlan,
  RenewPlanCommand,
} from '../usecases';
import { actorOf } from './actor';

/** Plans and their seats. */
@Resolver()
export class PlanMutationsResolver {
  constructor(
    private readonly reader: TeamReader,
    private readonly createPlanUseCase: CreatePlan,
    private readonly assignSeatUseCase: AssignSeat,
    private readonly reclaimSeatUseCase: ReclaimSeat,
    private readonly renewPlanUseCase: RenewPlan,
  ) {}

  @Mutation(() => PlanType)
  async createPlan(
    @CurrentPrincipal() principal: Principal,
    @Args('teamId', { type: () => ID }) teamId: string,
    @Args('name') name: string,
    @Args('seats', { type: () => Int }) seats: number,
    @Args('endsAt', { type: () => Date }) endsAt: Date,
  ): Promise<PlanType> {
    const command = buildCommand(CreatePlanCommand, { teamId, name, seats, endsAt });
    return toPlan(await this.createPlanUseCase.execute(command, actorOf(principal)));
  }

  @Mutation(() => PlanType, { description: 'a new end in the future; seats (default: as now) not below those held' })
  async renewPlan(
    @CurrentPrincipal() principal: Principal,
    @Args('planId', { type: () => ID }) planId: string,
    @Args('endsAt', { type: () => Date }) endsAt: Date,
    @Args('seats', { type: () => Int, nullable: true }) seats?: number,
  ): Promise<PlanType> {
    const command = buildCommand(RenewPlanCommand, { planId, endsAt, seats });
    return toPlan(await this.renewPlanUseCase.execute(command, actorOf(principal)));
  }

  @Mutation(() => SeatType)
  async assignSeat(
    @CurrentPrincipal() principal: Principal,
    @Args('planId', { type: () => ID }) planId: string,
    @Args('userId', { type: () => ID }) userId: string,
    @Context() context: RequestContext,
  ): Promise<SeatType> {
    const command = buildCommand(AssignSeatCommand, { planId, userId });
    return this.seatOf(await this.assignSeatUseCase.execute(command, actorOf(principal)), context);
  }

  @Mutation(() => SeatType)
  async reclaimSeat(
    @CurrentPrincipal() principal: Principal,
    @Args('seatId', { type: () => ID }) seatId: string,
    @Context() context: RequestContext,
  ): Promise<SeatType> {
    const command = buildCommand(ReclaimSeatCommand, { seatId });
    return this.seatOf(await this.reclaimSeatUseCase.execute(command, actorOf(principal)), context);
  }

  /** A seat's status depends on its plan's end. */
  private async seatOf(row: SeatRow, context: RequestContext): Promise<SeatType> {
    const plan = (await this.reader.loaders(context).plans.load(row.plan_id))!;
    return toSeat(row, plan.ends_at);
  }
}
