import { Args, Context, ID, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, ForbiddenError, hasPlatformRole, Principal } from '@app/auth';
import {
  ApiKeyType,
  InvitationType,
  MembershipType,
  PlanType,
  QuotaType,
  TeamType,
  toApiKey,
  toInvitation,
  toMembership,
  toPlan,
  toQuota,
  toTeam,
  toUser,
  UserType,
} from '../graphql-types';
import { RequestContext, TeamReader } from '../readers';
import { assertUuid } from '../usecases';
import { actorOf } from './actor';

/** Platform roles that list every team (support, SRE work, cost attribution). */
const readsEveryTeam = (principal: Principal | undefined) => hasPlatformRole(principal, 'ADMIN', 'SRE', 'FINANCE');

@Resolver(() => TeamType)
export class TeamResolver {
  constructor(private readonly reader: TeamReader) {}

  @Query(() => TeamType, { nullable: true })
  async team(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Context() context: RequestContext,
  ): Promise<TeamType | null> {
    assertUuid(id, 'id');
    const team = await this.reader.loaders(context).teams.load(id);
    if (!team) return null;
    if (!readsEveryTeam(principal) && !(await this.reader.isMember(id, actorOf(principal)))) {
      throw new ForbiddenError('you are not a member of that team');
    }
    return toTeam(team);
  }

  @Query(() => [TeamType])
  async teams(@CurrentPrincipal() principal: Principal): Promise<TeamType[]> {
    const rows = readsEveryTeam(principal)
      ? await this.reader.allTeams()
      : await this.reader.teamsOf(actorOf(principal));
    return rows.map(toTeam);
  }

  @ResolveField(() => UserType)
  async owner(@Parent() team: TeamType, @Context() context: RequestContext): Promise<UserType> {
    const loaders = this.reader.loaders(context);
    const owner = (await loaders.ownerOfTeam.load(team.id))!;
    return toUser((await loaders.users.load(owner.user_id))!);
  }

  @ResolveField(() => [MembershipType])
  async members(@Parent() team: TeamType, @Context() context: RequestContext): Promise<MembershipType[]> {
    return (await this.reader.loaders(context).membersOfTeam.load(team.id)).map(toMembership);
  }

  @ResolveField(() => [InvitationType])
  async invitations(@Parent() team: TeamType, @Context() context: RequestContext): Promise<InvitationType[]> {
    return (await this.reader.loaders(context).invitationsOfTeam.load(team.id)).map((row) => toInvitation(row));
  }

  @ResolveField(() => [PlanType])
  async plans(@Parent() team: TeamType, @Context() context: RequestContext): Promise<PlanType[]> {
    return (await this.reader.loaders(context).plansOfTeam.load(team.id)).map(toPlan);
  }

  @ResolveField(() => [ApiKeyType])
  async apiKeys(@Parent() team: TeamType, @Context() context: RequestContext): Promise<ApiKeyType[]> {
    return (await this.reader.loaders(context).apiKeysOfTeam.load(team.id)).map(toApiKey);
  }

  @ResolveField(() => [QuotaType])
  async quotas(@Parent() team: TeamType, @Context() context: RequestContext): Promise<QuotaType[]> {
    return (await this.reader.loaders(context).quotasOfTeam.load(team.id)).map(toQuota);
  }
}
