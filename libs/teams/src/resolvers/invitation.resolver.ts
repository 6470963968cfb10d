import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { InvitationType, TeamType, toTeam, toUser, UserType } from '../graphql-types';
import { RequestContext, TeamReader } from '../readers';

@Resolver(() => InvitationType)
export class InvitationResolver {
  constructor(private readonly reader: TeamReader) {}

  @ResolveField(() => TeamType)
  async team(@Parent() invitation: InvitationType, @Context() context: RequestContext): Promise<TeamType> {
    return toTeam((await this.reader.loaders(context).teams.load(invitation.teamId))!);
  }

  @ResolveField(() => UserType, {
    nullable: true,
    description:
      'the invited account: the one invited by name, the one that accepted, or the one that has the invited ' +
      'address; null while no account has it. Visible to whoever may read the invitation',
  })
  async invitee(@Parent() invitation: InvitationType, @Context() context: RequestContext): Promise<UserType | null> {
    const loaders = this.reader.loaders(context);
    const id = invitation.inviteeUserId ?? invitation.acceptedBy;
    const user = id
      ? await loaders.users.load(id)
      : invitation.inviteeEmail
        ? await loaders.usersByEmail.load(invitation.inviteeEmail)
        : undefined;
    return user ? { ...toUser(user), seenThroughInvitation: invitation } : null;
  }
}
