import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { MembershipType, TeamType, toTeam, toUser, UserType } from '../graphql-types';
import { RequestContext, TeamReader } from '../readers';

@Resolver(() => MembershipType)
export class MembershipResolver {
  constructor(private readonly reader: TeamReader) {}

  @ResolveField(() => TeamType)
  async team(@Parent() membership: MembershipType, @Context() context: RequestContext): Promise<TeamType> {
    return toTeam((await this.reader.loaders(context).teams.load(membership.teamId))!);
  }

  @ResolveField(() => UserType)
  async user(@Parent() membership: MembershipType, @Context() context: RequestContext): Promise<UserType> {
    return toUser((await this.reader.loaders(context).users.load(membership.userId))!);
  }
}
