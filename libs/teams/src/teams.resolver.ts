import { Args, Context, Float, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { DataSource } from 'typeorm';
import { CurrentPrincipal, ForbiddenError, Principal } from '@app/auth';
import { NotFoundError } from '@app/errors';
import * as C from './commands';
import {
  AccessTokenType,
  ApiKeyType,
  CreatedAccessTokenType,
  CreatedApiKeyType,
  CreatedUserType,
  InvitationType,
  MembershipType,
  PlanType,
  PlatformRoleEnum,
  QuotaType,
  SeatType,
  TeamRoleEnum,
  TeamType,
  toAccessToken,
  toApiKey,
  toInvitation,
  toMembership,
  toPlan,
  toQuota,
  toTeam,
  toUser,
  UserType,
} from './graphql-types';
import { TeamLifecycleService } from './team-lifecycle.service';
import { UsersService } from './users.service';

type Ctx = { req: object };

function actor(principal: Principal | undefined): string {
  if (principal?.kind !== 'user') throw new ForbiddenError('this needs a user access token');
  return principal.userId;
}

function isPlatformReader(principal: Principal | undefined): boolean {
  return principal?.kind === 'user' && principal.platformRoles.some((r) => r === 'ADMIN' || r === 'SRE' || r === 'FINANCE');
}

/** Per-request loaders: nested users and teams load in one query per list, not one per row. */
const loaders = new WeakMap<object, { users: DataLoader<string, UserType | undefined>; teams: DataLoader<string, TeamType | undefined> }>();
function loadersFor(ctx: Ctx, postgres: DataSource) {
  let l = loaders.get(ctx.req);
  if (!l) {
    const byId = (table: string, map: (r: unknown) => { id: string }) =>
      new DataLoader<string, never>(async (ids) => {
        const rows: unknown[] = await postgres.query(`SELECT * FROM ${table} WHERE id = ANY($1::uuid[])`, [ids]);
        const found = new Map(rows.map((r) => [map(r).id, map(r)]));
        return ids.map((id) => found.get(id) as never);
      });
    l = { users: byId('users', toUser), teams: byId('teams', toTeam) };
    loaders.set(ctx.req, l);
  }
  return l;
}

@Resolver(() => TeamType)
export class TeamsResolver {
  constructor(
    private readonly lifecycle: TeamLifecycleService,
    private readonly users: UsersService,
    @InjectDataSource() private readonly postgres: DataSource,
  ) {}

  @Query(() => UserType)
  async me(@CurrentPrincipal() principal: Principal, @Context() ctx: Ctx): Promise<UserType> {
    const user = await loadersFor(ctx, this.postgres).users.load(actor(principal));
    if (!user) throw new NotFoundError('your user no longer exists');
    return user;
  }

  @Query(() => TeamType, { nullable: true })
  async team(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<TeamType | null> {
    C.assertUuid(id, 'id');
    const [row] = await this.postgres.query('SELECT * FROM teams WHERE id = $1', [id]);
    if (!row) return null;
    if (!isPlatformReader(principal)) {
      const [m] = await this.postgres.query('SELECT 1 FROM memberships WHERE team_id = $1 AND user_id = $2', [id, actor(principal)]);
      if (!m) throw new ForbiddenError('you are not a member of that team');
    }
    return toTeam(row);
  }

  @Query(() => [TeamType])
  async teams(@CurrentPrincipal() principal: Principal): Promise<TeamType[]> {
    const rows = isPlatformReader(principal)
      ? await this.postgres.query('SELECT * FROM teams ORDER BY name')
      : await this.postgres.query('SELECT t.* FROM teams t JOIN memberships m ON m.team_id = t.id WHERE m.user_id = $1 ORDER BY t.name', [actor(principal)]);
    return rows.map(toTeam);
  }

  @ResolveField(() => UserType)
  async owner(@Parent() team: TeamType, @Context() ctx: Ctx): Promise<UserType> {
    const [row] = await this.postgres.query(`SELECT user_id FROM memberships WHERE team_id = $1 AND role = 'OWNER'`, [team.id]);
    return (await loadersFor(ctx, this.postgres).users.load(row.user_id))!;
  }

  @ResolveField(() => [MembershipType])
  async members(@Parent() team: TeamType): Promise<MembershipType[]> {
    const rows = await this.postgres.query(`SELECT * FROM memberships WHERE team_id = $1 ORDER BY CASE role WHEN 'OWNER' THEN 0 WHEN 'ADMIN' THEN 1 ELSE 2 END, joined_at`, [team.id]);
    return rows.map(toMembership);
  }

  @ResolveField(() => [InvitationType])
  async invitations(@Parent() team: TeamType): Promise<InvitationType[]> {
    return (await this.postgres.query('SELECT * FROM invitations WHERE team_id = $1 ORDER BY created_at DESC', [team.id])).map(toInvitation);
  }

  @ResolveField(() => [PlanType])
  async plans(@Parent() team: TeamType): Promise<PlanType[]> {
    return (await this.postgres.query('SELECT * FROM plans WHERE team_id = $1 ORDER BY created_at', [team.id])).map(toPlan);
  }

  @ResolveField(() => [ApiKeyType])
  async apiKeys(@Parent() team: TeamType): Promise<ApiKeyType[]> {
    return (await this.postgres.query('SELECT * FROM api_keys WHERE team_id = $1 ORDER BY created_at', [team.id])).map(toApiKey);
  }

  @ResolveField(() => [QuotaType])
  async quotas(@Parent() team: TeamType): Promise<QuotaType[]> {
    return (await this.postgres.query('SELECT * FROM quotas WHERE team_id = $1', [team.id])).map(toQuota);
  }

  @Mutation(() => CreatedUserType)
  async createUser(
    @CurrentPrincipal() principal: Principal,
    @Args('username') username: string,
    @Args('email') email: string,
    @Args('platformRoles', { type: () => [PlatformRoleEnum], nullable: true }) platformRoles?: PlatformRoleEnum[],
  ): Promise<CreatedUserType> {
    if (!(principal?.kind === 'user' && principal.platformRoles.includes('ADMIN'))) throw new ForbiddenError('creating users needs the platform role ADMIN');
    const created = await this.users.createUser(C.buildCommand(C.CreateUserCommand, { username, email, platformRoles: platformRoles ?? [] }));
    return { user: toUser(created.user), accessToken: created.accessToken };
  }

  @Mutation(() => CreatedAccessTokenType)
  createAccessToken(
    @CurrentPrincipal() principal: Principal,
    @Args('name') name: string,
    @Args('expiresAt', { type: () => Date, nullable: true }) expiresAt?: Date,
  ): Promise<CreatedAccessTokenType> {
    const command = C.buildCommand(C.CreateAccessTokenCommand, { name, expiresAt: expiresAt ?? null });
    return this.users.createAccessToken(command, actor(principal));
  }

  @Mutation(() => Boolean, { description: 'your own token; a platform ADMIN may revoke anyone\'s' })
  revokeAccessToken(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<boolean> {
    const asAdmin = principal?.kind === 'user' && principal.platformRoles.includes('ADMIN');
    return this.users.revokeAccessToken(C.buildCommand(C.RevokeAccessTokenCommand, { id }), actor(principal), asAdmin);
  }

  @Mutation(() => TeamType)
  async createTeam(@CurrentPrincipal() principal: Principal, @Args('name') name: string): Promise<TeamType> {
    return toTeam(await this.lifecycle.createTeam(C.buildCommand(C.CreateTeamCommand, { name }), actor(principal)));
  }

  @Mutation(() => InvitationType)
  async inviteMember(
    @CurrentPrincipal() principal: Principal,
    @Args('teamId', { type: () => ID }) teamId: string,
    @Args('usernameOrEmail') usernameOrEmail: string,
    @Args('role', { type: () => TeamRoleEnum }) role: TeamRoleEnum,
  ): Promise<InvitationType> {
    return toInvitation(await this.lifecycle.inviteMember(C.buildCommand(C.InviteMemberCommand, { teamId, usernameOrEmail, role }), actor(principal)));
  }

  @Mutation(() => MembershipType)
  async acceptInvitation(@CurrentPrincipal() principal: Principal, @Args('token') token: string): Promise<MembershipType> {
    return toMembership(await this.lifecycle.acceptInvitation(C.buildCommand(C.AcceptInvitationCommand, { token }), actor(principal)));
  }

  @Mutation(() => InvitationType)
  async revokeInvitation(@CurrentPrincipal() principal: Principal, @Args('invitationId', { type: () => ID }) invitationId: string): Promise<InvitationType> {
    return toInvitation(await this.lifecycle.revokeInvitation(C.buildCommand(C.RevokeInvitationCommand, { invitationId }), actor(principal)));
  }

  @Mutation(() => MembershipType)
  async changeRole(
    @CurrentPrincipal() principal: Principal,
    @Args('teamId', { type: () => ID }) teamId: string,
    @Args('userId', { type: () => ID }) userId: string,
    @Args('role', { type: () => TeamRoleEnum }) role: TeamRoleEnum,
  ): Promise<MembershipType> {
    return toMembership(await this.lifecycle.changeRole(C.buildCommand(C.ChangeRoleCommand, { teamId, userId, role }), actor(principal)));
  }

  @Mutation(() => TeamType)
  async transferOwnership(
    @CurrentPrincipal() principal: Principal,
    @Args('teamId', { type: () => ID }) teamId: string,
    @Args('toUserId', { type: () => ID }) toUserId: string,
  ): Promise<TeamType> {
    return toTeam(await this.lifecycle.transferOwnership(C.buildCommand(C.TransferOwnershipCommand, { teamId, toUserId }), actor(principal)));
  }

  @Mutation(() => Boolean)
  leaveTeam(@CurrentPrincipal() principal: Principal, @Args('teamId', { type: () => ID }) teamId: string): Promise<boolean> {
    return this.lifecycle.leaveTeam(C.buildCommand(C.LeaveTeamCommand, { teamId }), actor(principal));
  }

  @Mutation(() => Boolean)
  removeMember(
    @CurrentPrincipal() principal: Principal,
    @Args('teamId', { type: () => ID }) teamId: string,
    @Args('userId', { type: () => ID }) userId: string,
  ): Promise<boolean> {
    return this.lifecycle.removeMember(C.buildCommand(C.RemoveMemberCommand, { teamId, userId }), actor(principal));
  }

  @Mutation(() => PlanType)
  async createPlan(
    @CurrentPrincipal() principal: Principal,
    @Args('teamId', { type: () => ID }) teamId: string,
    @Args('name') name: string,
    @Args('seats', { type: () => Int }) seats: number,
    @Args('endsAt', { type: () => Date }) endsAt: Date,
  ): Promise<PlanType> {
    return toPlan(await this.lifecycle.createPlan(C.buildCommand(C.CreatePlanCommand, { teamId, name, seats, endsAt }), actor(principal)));
  }

  @Mutation(() => SeatType)
  async assignSeat(@CurrentPrincipal() principal: Principal, @Args('planId', { type: () => ID }) planId: string, @Args('userId', { type: () => ID }) userId: string): Promise<SeatType> {
    return this.toSeat(await this.lifecycle.assignSeat(C.buildCommand(C.AssignSeatCommand, { planId, userId }), actor(principal)));
  }

  @Mutation(() => SeatType)
  async reclaimSeat(@CurrentPrincipal() principal: Principal, @Args('seatId', { type: () => ID }) seatId: string): Promise<SeatType> {
    return this.toSeat(await this.lifecycle.reclaimSeat(C.buildCommand(C.ReclaimSeatCommand, { seatId }), actor(principal)));
  }

  @Mutation(() => CreatedApiKeyType)
  async createApiKey(
    @CurrentPrincipal() principal: Principal,
    @Args('name') name: string,
    @Args('teamId', { type: () => ID, nullable: true }) teamId?: string,
    @Args('expiresAt', { type: () => Date, nullable: true }) expiresAt?: Date,
    @Args('test', { type: () => Boolean, nullable: true }) test?: boolean,
  ): Promise<CreatedApiKeyType> {
    const { key, secret } = await this.lifecycle.createApiKey(C.buildCommand(C.CreateApiKeyCommand, { teamId, name, expiresAt, test }), actor(principal));
    return { apiKey: toApiKey(key), secret };
  }

  @Mutation(() => ApiKeyType)
  async revokeApiKey(@CurrentPrincipal() principal: Principal, @Args('apiKeyId', { type: () => ID }) apiKeyId: string): Promise<ApiKeyType> {
    return toApiKey(await this.lifecycle.revokeApiKey(C.buildCommand(C.RevokeApiKeyCommand, { apiKeyId }), actor(principal)));
  }

  @Mutation(() => QuotaType)
  async setQuota(
    @CurrentPrincipal() principal: Principal,
    @Args('teamId', { type: () => ID }) teamId: string,
    @Args('unit') unit: string,
    @Args('period') period: string,
    @Args('limit', { type: () => Float }) limit: number,
    @Args('userId', { type: () => ID, nullable: true }) userId?: string,
    @Args('apiKeyId', { type: () => ID, nullable: true }) apiKeyId?: string,
  ): Promise<QuotaType> {
    return toQuota(await this.lifecycle.setQuota(C.buildCommand(C.SetQuotaCommand, { teamId, userId, apiKeyId, unit: unit.toUpperCase(), period: period.toUpperCase(), limit }), actor(principal)));
  }

  private async toSeat(row: SeatRow): Promise<SeatType> {
    const [plan] = await this.postgres.query('SELECT ends_at FROM plans WHERE id = $1', [row.plan_id]);
    return seatOf(row, plan.ends_at);
  }
}

interface SeatRow {
  id: string;
  plan_id: string;
  team_id: string;
  user_id: string | null;
}

export function seatOf(row: SeatRow, endsAt: Date): SeatType {
  const status = new Date(endsAt).getTime() <= Date.now() ? 'EXPIRED' : row.user_id ? 'ASSIGNED' : 'UNASSIGNED';
  return { id: row.id, planId: row.plan_id, teamId: row.team_id, userId: row.user_id, status };
}

@Resolver(() => MembershipType)
export class MembershipResolver {
  constructor(@InjectDataSource() private readonly postgres: DataSource) {}

  @ResolveField(() => TeamType)
  async team(@Parent() m: MembershipType, @Context() ctx: Ctx): Promise<TeamType> {
    return (await loadersFor(ctx, this.postgres).teams.load(m.teamId))!;
  }

  @ResolveField(() => UserType)
  async user(@Parent() m: MembershipType, @Context() ctx: Ctx): Promise<UserType> {
    return (await loadersFor(ctx, this.postgres).users.load(m.userId))!;
  }
}

@Resolver(() => UserType)
export class UserResolver {
  constructor(
    @InjectDataSource() private readonly postgres: DataSource,
    private readonly users: UsersService,
  ) {}

  @ResolveField(() => [AccessTokenType], { description: "only on `me`: another user's tokens are never listed" })
  async accessTokens(@Parent() user: UserType): Promise<AccessTokenType[]> {
    return (await this.users.accessTokensOf(user.id)).map(toAccessToken);
  }

  @ResolveField(() => [MembershipType])
  async memberships(@Parent() user: UserType): Promise<MembershipType[]> {
    return (await this.postgres.query('SELECT * FROM memberships WHERE user_id = $1 ORDER BY joined_at', [user.id])).map(toMembership);
  }
}

@Resolver(() => InvitationType)
export class InvitationResolver {
  constructor(@InjectDataSource() private readonly postgres: DataSource) {}

  @ResolveField(() => TeamType)
  async team(@Parent() i: InvitationType, @Context() ctx: Ctx): Promise<TeamType> {
    return (await loadersFor(ctx, this.postgres).teams.load(i.teamId))!;
  }
}

@Resolver(() => PlanType)
export class PlanResolver {
  constructor(@InjectDataSource() private readonly postgres: DataSource) {}

  private async seats(plan: PlanType): Promise<SeatType[]> {
    const rows = await this.postgres.query('SELECT * FROM seats WHERE plan_id = $1 ORDER BY position', [plan.id]);
    return rows.map((r: SeatRow) => seatOf(r, plan.endsAt));
  }

  @ResolveField(() => Int) async assigned(@Parent() plan: PlanType) {
    return (await this.seats(plan)).filter((s) => s.status === 'ASSIGNED').length;
  }

  @ResolveField(() => Int) async unassigned(@Parent() plan: PlanType) {
    return (await this.seats(plan)).filter((s) => s.status === 'UNASSIGNED').length;
  }

  @ResolveField(() => Int) async expired(@Parent() plan: PlanType) {
    return (await this.seats(plan)).filter((s) => s.status === 'EXPIRED').length;
  }

  @ResolveField(() => [SeatType]) seatList(@Parent() plan: PlanType) {
    return this.seats(plan);
  }
}

@Resolver(() => SeatType)
export class SeatResolver {
  constructor(@InjectDataSource() private readonly postgres: DataSource) {}

  @ResolveField(() => PlanType)
  async plan(@Parent() seat: SeatType): Promise<PlanType> {
    return toPlan((await this.postgres.query('SELECT * FROM plans WHERE id = $1', [seat.planId]))[0]);
  }

  @ResolveField(() => UserType, { nullable: true })
  async user(@Parent() seat: SeatType, @Context() ctx: Ctx): Promise<UserType | null> {
    return seat.userId ? ((await loadersFor(ctx, this.postgres).users.load(seat.userId)) ?? null) : null;
  }
}
