import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { InvitationType, TeamType, toTeam } from '../graphql-types';
import { RequestContext, TeamReader } from '../readers';

@Resolver(() => InvitationType)
export class InvitationResolver {
  constructor(private readonly reader: TeamReader) {}

  @ResolveField(() => TeamType)
  async team(@Parent() invitation: InvitationType, @Context() context: RequestContext): Promise<TeamType> {
    return toTeam((await this.reader.loaders(context).teams.load(invitation.teamId))!);
  }
}
