import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, hasPlatformRole, Principal, RequirePlatformRole } from '@app/auth';
import { CreatedAccessTokenType, CreatedUserType, PlatformRoleEnum, toUser } from '../graphql-types';
import {
  buildCommand,
  CreateAccessToken,
  CreateAccessTokenCommand,
  CreateUser,
  CreateUserCommand,
  RevokeAccessToken,
  RevokeAccessTokenCommand,
} from '../usecases';
import { actorOf } from './actor';

/** People and their personal access tokens. */
@Resolver()
export class UserMutationsResolver {
  constructor(
    private readonly createUserUseCase: CreateUser,
    private readonly createAccessTokenUseCase: CreateAccessToken,
    private readonly revokeAccessTokenUseCase: RevokeAccessToken,
  ) {}

  @Mutation(() => CreatedUserType)
  @RequirePlatformRole('ADMIN')
  async createUser(
    @Args('username') username: string,
    @Args('email') email: string,
    @Args('platformRoles', { type: () => [PlatformRoleEnum], nullable: true }) platformRoles?: PlatformRoleEnum[],
  ): Promise<CreatedUserType> {
    const command = buildCommand(CreateUserCommand, { username, email, platformRoles: platformRoles ?? [] });
    const created = await this.createUserUseCase.execute(command);
    return { user: toUser(created.user), accessToken: created.accessToken };
  }

  @Mutation(() => CreatedAccessTokenType)
  createAccessToken(
    @CurrentPrincipal() principal: Principal,
    @Args('name') name: string,
    @Args('expiresAt', { type: () => Date, nullable: true }) expiresAt?: Date,
  ): Promise<CreatedAccessTokenType> {
    const command = buildCommand(CreateAccessTokenCommand, { name, expiresAt: expiresAt ?? null });
    return this.createAccessTokenUseCase.execute(command, actorOf(principal));
  }

  @Mutation(() => Boolean, { description: "your own token; a platform ADMIN may revoke anyone's" })
  revokeAccessToken(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<boolean> {
    const command = buildCommand(RevokeAccessTokenCommand, { id });
    return this.revokeAccessTokenUseCase.execute(command, actorOf(principal), hasPlatformRole(principal, 'ADMIN'));
  }
}
