import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type {
  AccessTokenRow,
  ApiKeyRow,
  InvitationRow,
  MembershipRow,
  PlanRow,
  QuotaRow,
  SeatRow,
  TeamRow,
  UserRow,
} from './persistence';

export enum TeamRoleEnum {
  OWNER = 'OWNER',
  ADMIN = 'ADMIN',
  MEMBER = 'MEMBER',
}
registerEnumType(TeamRoleEnum, { name: 'TeamRole' });

export enum PlatformRoleEnum {
  ADMIN = 'ADMIN',
  FINANCE = 'FINANCE',
  SRE = 'SRE',
}
registerEnumType(PlatformRoleEnum, { name: 'PlatformRole' });

@ObjectType('User')
export class UserType {
  /** set when reached as an invitation's invitee: whoever may read that invitation may read this user */
  seenThroughInvitation?: InvitationType;
  @Field(() => ID) id: string;
  @Field() username: string;
  @Field() email: string;
  @Field(() => [PlatformRoleEnum]) platformRoles: PlatformRoleEnum[];
}

@ObjectType('Team')
export class TeamType {
  @Field(() => ID) id: string;
  @Field() name: string;
}

@ObjectType('Membership')
export class MembershipType {
  teamId: string;
  userId: string;
  @Field(() => TeamRoleEnum) role: TeamRoleEnum;
  @Field(() => Date) joinedAt: Date;
}

@ObjectType('Invitation')
export class InvitationType {
  teamId: string;
  inviteeUserId: string | null;
  inviteeEmail: string | null;
  acceptedBy: string | null;
  @Field(() => ID) id: string;
  @Field(() => TeamRoleEnum) role: TeamRoleEnum;
  @Field({ description: 'PENDING, ACCEPTED, REVOKED or EXPIRED' }) status: string;
  @Field(() => Date) expiresAt: Date;
  @Field(() => String, {
    nullable: true,
    description: "only in inviteMember's answer: the link token to send to the invitee",
  })
  token: string | null;
}

@ObjectType('Plan')
export class PlanType {
  teamId: string;
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field(() => Int) seats: number;
  @Field(() => Date) endsAt: Date;
}

@ObjectType('Seat')
export class SeatType {
  planId: string;
  teamId: string;
  userId: string | null;
  @Field(() => ID) id: string;
  @Field({ description: 'ASSIGNED, UNASSIGNED or EXPIRED' }) status: string;
}

@ObjectType('ApiKey')
export class ApiKeyType {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field() prefix: string;
  @Field() last4: string;
  @Field(() => ID, { nullable: true }) teamId: string | null;
  @Field(() => ID) userId: string;
  @Field({ description: 'ACTIVE, SUSPENDED (refused until resumed) or REVOKED (for good)' }) status: string;
  @Field(() => String, { nullable: true }) revokedReason: string | null;
  @Field(() => Date, { nullable: true, description: 'while SUSPENDED: since when' }) suspendedAt: Date | null;
  @Field(() => Date, { nullable: true }) expiresAt: Date | null;
  @Field() test: boolean;
}

@ObjectType('CreatedApiKey')
export class CreatedApiKeyType {
  @Field(() => ApiKeyType) apiKey: ApiKeyType;
  @Field({ description: 'shown once; only its hash is stored' }) secret: string;
}

@ObjectType('CreatedAccessToken')
export class CreatedAccessTokenType {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field({ description: 'shown once; only its hash is stored' }) token: string;
}

@ObjectType('AccessToken')
export class AccessTokenType {
  userId: string;
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field(() => Date) createdAt: Date;
  @Field(() => Date, { nullable: true }) expiresAt: Date | null;
  @Field(() => Date, { nullable: true, description: 'to the minute' }) lastUsedAt: Date | null;
  @Field(() => Date, { nullable: true }) revokedAt: Date | null;
}

@ObjectType('CreatedUser')
export class CreatedUserType {
  @Field(() => UserType) user: UserType;
  @Field({ description: 'shown once' }) accessToken: string;
}

@ObjectType('Quota')
export class QuotaType {
  @Field(() => ID) id: string;
  @Field(() => ID) teamId: string;
  @Field(() => ID, { nullable: true, description: 'neither userId nor apiKeyId: a quota on the whole team' })
  userId: string | null;
  @Field(() => ID, { nullable: true }) apiKeyId: string | null;
  @Field({ description: 'TOKENS or CREDITS' }) unit: string;
  @Field({ description: 'DAY or MONTH' }) period: string;
  @Field(() => Float) limit: number;
}

export const toUser = (r: UserRow): UserType => ({
  id: r.id,
  username: r.username,
  email: r.email,
  platformRoles: r.platform_roles.map((role) => PlatformRoleEnum[role]),
});
export const toTeam = (r: TeamRow): TeamType => ({ id: r.id, name: r.name });
export const toMembership = (r: MembershipRow): MembershipType => ({
  teamId: r.team_id,
  userId: r.user_id,
  role: TeamRoleEnum[r.role],
  joinedAt: r.joined_at,
});
/** A pending invitation past its expiry reads as EXPIRED; the token is there only when just issued. */
export const toInvitation = (r: InvitationRow & { token?: string }): InvitationType => ({
  id: r.id,
  teamId: r.team_id,
  inviteeUserId: r.invitee_user_id,
  inviteeEmail: r.invitee_email,
  acceptedBy: r.accepted_by,
  role: TeamRoleEnum[r.role],
  status: r.status === 'PENDING' && r.expires_at.getTime() <= Date.now() ? 'EXPIRED' : r.status,
  expiresAt: r.expires_at,
  token: r.token ?? null,
});
export const toPlan = (r: PlanRow): PlanType => ({
  id: r.id,
  teamId: r.team_id,
  name: r.name,
  seats: r.seats,
  endsAt: r.ends_at,
});
/** A seat of an ended plan is EXPIRED whoever holds it. */
export const toSeat = (r: SeatRow, planEndsAt: Date): SeatType => ({
  id: r.id,
  planId: r.plan_id,
  teamId: r.team_id,
  userId: r.user_id,
  status: planEndsAt.getTime() <= Date.now() ? 'EXPIRED' : r.user_id ? 'ASSIGNED' : 'UNASSIGNED',
});
export const toApiKey = (r: ApiKeyRow): ApiKeyType => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  last4: r.last4,
  teamId: r.team_id,
  userId: r.user_id,
  status: r.status,
  revokedReason: r.revoked_reason,
  suspendedAt: r.suspended_at,
  expiresAt: r.expires_at,
  test: r.test,
});
export const toAccessToken = (r: AccessTokenRow): AccessTokenType => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});
export const toQuota = (r: QuotaRow): QuotaType => ({
  id: r.id,
  teamId: r.team_id,
  userId: r.user_id,
  apiKeyId: r.api_key_id,
  unit: r.unit,
  period: r.period,
  limit: Number(r.limit),
});
