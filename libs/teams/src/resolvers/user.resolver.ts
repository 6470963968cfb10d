import { Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Principal } from '@app/auth';
import { NotFoundError } from '@app/errors';
import { AccessTokenType, MembershipType, toAccessToken, toMembership, toUser, UserType } from '../graphql-types';
import { RequestContext, TeamReader } from '../readers';
import { actorOf } from './actor';

@Resolver(() => UserType)
export class UserResolver {
  constructor(private readonly reader: TeamReader) {}

  @Query(() => UserType)
  async me(@CurrentPrincipal() principal: Principal, @Context() context: RequestContext): Promise<UserType> {
    const user = await this.reader.loaders(context).users.load(actorOf(principal));
    if (!user) throw new NotFoundError('your user no longer exists');
    return toUser(user);
  }

  @ResolveField(() => [AccessTokenType], { description: "only on `me`: another user's tokens are never listed" })
  async accessTokens(@Parent() user: UserType, @Context() context: RequestContext): Promise<AccessTokenType[]> {
    return (await this.reader.loaders(context).accessTokensOfUser.load(user.id)).map(toAccessToken);
  }

  @ResolveField(() => [MembershipType])
  async memberships(@Parent() user: UserType, @Context() context: RequestContext): Promise<MembershipType[]> {
    return (await this.reader.loaders(context).membershipsOfUser.load(user.id)).map(toMembership);
  }
}
