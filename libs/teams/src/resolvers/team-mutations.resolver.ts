import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Principal } from '@app/auth';
import {
  InvitationType,
  MembershipType,
  TeamRoleEnum,
  TeamType,
  toInvitation,
  toMembership,
  toTeam,
} from '../graphql-types';
import {
  AcceptInvitation,
  AcceptInvitationCommand,
  buildCommand,
  ChangeRole,
  ChangeRoleCommand,
  CreateTeam,
  CreateTeamCommand,
  InviteMember,
  InviteMemberCommand,
  LeaveTeam,
  LeaveTeamCommand,
  RemoveMember,
  RemoveMemberCommand,
  RevokeInvitation,
  RevokeInvitationCommand,
  TransferOwnership,
  TransferOwnershipCommand,
} from '../usecases';
import { actorOf } from './actor';

/** Teams and their people: each mutation builds its command and runs its use case. */
@Resolver()
export class TeamMutationsResolver {
  constructor(
    private readonly createTeamUseCase: CreateTeam,
    private readonly inviteMemberUseCase: InviteMember,
    private readonly acceptInvitationUseCase: AcceptInvitation,
    private readonly revokeInvitationUseCase: RevokeInvitation,
    private readonly changeRoleUseCase: ChangeRole,
    private readonly transferOwnershipUseCase: TransferOwnership,
    private readonly leaveTeamUseCase: LeaveTeam,
    private readonly removeMemberUseCase: RemoveMember,
  ) {}

  @Mutation(() => TeamType)
  async createTeam(@CurrentPrincipal() principal: Principal, @Args('name') name: string): Promise<TeamType> {
    const command = buildCommand(CreateTeamCommand, { name });
    return toTeam(await this.createTeamUseCase.execute(command, actorOf(principal)));
  }

  @Mutation(() => InvitationType)
  async inviteMember(
    @CurrentPrincipal() principal: Principal,
    @Args('teamId', { type: () => ID }) teamId: string,
    @Args('usernameOrEmail') usernameOrEmail: string,
    @Args('role', { type: () => TeamRoleEnum }) role: TeamRoleEnum,
  ): Promise<InvitationType> {
    const command = buildCommand(InviteMemberCommand, { teamId, usernameOrEmail, role });
    return toInvitation(await this.inviteMemberUseCase.execute(command, actorOf(principal)));
  }

  @Mutation(() => MembershipType)
  async acceptInvitation(
    @CurrentPrincipal() principal: Principal,
    @Args('token') token: string,
  ): Promise<MembershipType> {
    const command = buildCommand(AcceptInvitationCommand, { token });
    return toMembership(await this.acceptInvitationUseCase.execute(command, actorOf(principal)));
  }

  @Mutation(() => InvitationType)
  async revokeInvitation(
    @CurrentPrincipal() principal: Principal,
    @Args('invitationId', { type: () => ID }) invitationId: string,
  ): Promise<InvitationType> {
    const command = buildCommand(RevokeInvitationCommand, { invitationId });
    return toInvitation(await this.revokeInvitationUseCase.execute(command, actorOf(principal)));
  }

  @Mutation(() => MembershipType)
  async changeRole(
    @CurrentPrincipal() principal: Principal,
    @Args('teamId', { type: () => ID }) teamId: string,
    @Args('userId', { type: () => ID }) userId: string,
    @Args('role', { type: () => TeamRoleEnum }) role: TeamRoleEnum,
  ): Promise<MembershipType> {
    const command = buildCommand(ChangeRoleCommand, { teamId, userId, role });
    return toMembership(await this.changeRoleUseCase.execute(command, actorOf(principal)));
  }

  @Mutation(() => TeamType)
  async transferOwnership(
    @CurrentPrincipal() principal: Principal,
    @Args('teamId', { type: () => ID }) teamId: string,
    @Args('toUserId', { type: () => ID }) toUserId: string,
  ): Promise<TeamType> {
    const command = buildCommand(TransferOwnershipCommand, { teamId, toUserId });
    return toTeam(await this.transferOwnershipUseCase.execute(command, actorOf(principal)));
  }

  @Mutation(() => Boolean)
  leaveTeam(
    @CurrentPrincipal() principal: Principal,
    @Args('teamId', { type: () => ID }) teamId: string,
  ): Promise<boolean> {
    return this.leaveTeamUseCase.execute(buildCommand(LeaveTeamCommand, { teamId }), actorOf(principal));
  }

  @Mutation(() => Boolean)
  removeMember(
    @CurrentPrincipal() principal: Principal,
    @Args('teamId', { type: () => ID }) teamId: string,
    @Args('userId', { type: () => ID }) userId: string,
  ): Promise<boolean> {
    return this.removeMemberUseCase.execute(buildCommand(RemoveMemberCommand, { teamId, userId }), actorOf(principal));
  }
}
