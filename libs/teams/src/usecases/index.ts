export * from './command';
export * from './team-transaction';
export * from './accept-invitation/accept-invitation.command';
export * from './accept-invitation/accept-invitation.usecase';
export * from './assign-seat/assign-seat.command';
export * from './assign-seat/assign-seat.usecase';
export * from './bootstrap/bootstrap.usecase';
export * from './change-role/change-role.command';
export * from './change-role/change-role.usecase';
export * from './create-access-token/create-access-token.command';
export * from './create-access-token/create-access-token.usecase';
export * from './create-api-key/create-api-key.command';
export * from './create-api-key/create-api-key.usecase';
export * from './create-plan/create-plan.command';
export * from './create-plan/create-plan.usecase';
export * from './create-team/create-team.command';
export * from './create-team/create-team.usecase';
export * from './create-user/create-user.command';
export * from './create-user/create-user.usecase';
export * from './delete-quota/delete-quota.command';
export * from './delete-quota/delete-quota.usecase';
export * from './invite-member/invite-member.command';
export * from './invite-member/invite-member.usecase';
export * from './leave-team/leave-team.command';
export * from './leave-team/leave-team.usecase';
export * from './reclaim-seat/reclaim-seat.command';
export * from './reclaim-seat/reclaim-seat.usecase';
export * from './remove-member/remove-member.command';
export * from './remove-member/remove-member.usecase';
export * from './renew-plan/renew-plan.command';
export * from './renew-plan/renew-plan.usecase';
export * from './resume-api-key/resume-api-key.command';
export * from './resume-api-key/resume-api-key.usecase';
export * from './revoke-access-token/revoke-access-token.command';
export * from './revoke-access-token/revoke-access-token.usecase';
export * from './revoke-api-key/revoke-api-key.command';
export * from './revoke-api-key/revoke-api-key.usecase';
export * from './revoke-invitation/revoke-invitation.command';
export * from './revoke-invitation/revoke-invitation.usecase';
export * from './set-quota/set-quota.command';
export * from './set-quota/set-quota.usecase';
export * from './suspend-api-key/suspend-api-key.command';
export * from './suspend-api-key/suspend-api-key.usecase';
export * from './transfer-ownership/transfer-ownership.command';
export * from './transfer-ownership/transfer-ownership.usecase';

import { AcceptInvitation } from './accept-invitation/accept-invitation.usecase';
import { AssignSeat } from './assign-seat/assign-seat.usecase';
import { Bootstrap } from './bootstrap/bootstrap.usecase';
import { ChangeRole } from './change-role/change-role.usecase';
import { CreateAccessToken } from './create-access-token/create-access-token.usecase';
import { CreateApiKey } from './create-api-key/create-api-key.usecase';
import { CreatePlan } from './create-plan/create-plan.usecase';
import { CreateTeam } from './create-team/create-team.usecase';
import { CreateUser } from './create-user/create-user.usecase';
import { DeleteQuota } from './delete-quota/delete-quota.usecase';
import { InviteMember } from './invite-member/invite-member.usecase';
import { LeaveTeam } from './leave-team/leave-team.usecase';
import { ReclaimSeat } from './reclaim-seat/reclaim-seat.usecase';
import { RemoveMember } from './remove-member/remove-member.usecase';
import { RenewPlan } from './renew-plan/renew-plan.usecase';
import { ResumeApiKey } from './resume-api-key/resume-api-key.usecase';
import { RevokeAccessToken } from './revoke-access-token/revoke-access-token.usecase';
import { RevokeApiKey } from './revoke-api-key/revoke-api-key.usecase';
import { RevokeInvitation } from './revoke-invitation/revoke-invitation.usecase';
import { SetQuota } from './set-quota/set-quota.usecase';
import { SuspendApiKey } from './suspend-api-key/suspend-api-key.usecase';
import { TransferOwnership } from './transfer-ownership/transfer-ownership.usecase';

/** Every use case, for the module's providers. */
export const TEAM_USE_CASES = [
  AcceptInvitation,
  AssignSeat,
  Bootstrap,
  ChangeRole,
  CreateAccessToken,
  CreateApiKey,
  CreatePlan,
  CreateTeam,
  CreateUser,
  DeleteQuota,
  InviteMember,
  LeaveTeam,
  ReclaimSeat,
  RemoveMember,
  RenewPlan,
  ResumeApiKey,
  RevokeAccessToken,
  RevokeApiKey,
  RevokeInvitation,
  SetQuota,
  SuspendApiKey,
  TransferOwnership,
];
