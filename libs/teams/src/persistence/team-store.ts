import { AccessTokenRepository } from './access-token.repository';
import { ApiKeyRepository } from './api-key.repository';
import { InvitationRepository } from './invitation.repository';
import { MembershipRepository } from './membership.repository';
import { PlanRepository } from './plan.repository';
import type { Queryable } from './postgres';
import { QuotaRepository } from './quota.repository';
import { SeatRepository } from './seat.repository';
import { TeamRepository } from './team.repository';
import { UserRepository } from './user.repository';

/** Every team table's repository over one connection or transaction. */
export interface TeamStore {
  teams: TeamRepository;
  users: UserRepository;
  memberships: MembershipRepository;
  invitations: InvitationRepository;
  plans: PlanRepository;
  seats: SeatRepository;
  apiKeys: ApiKeyRepository;
  quotas: QuotaRepository;
  accessTokens: AccessTokenRepository;
}

export function teamStore(db: Queryable): TeamStore {
  return {
    teams: new TeamRepository(db),
    users: new UserRepository(db),
    memberships: new MembershipRepository(db),
    invitations: new InvitationRepository(db),
    plans: new PlanRepository(db),
    seats: new SeatRepository(db),
    apiKeys: new ApiKeyRepository(db),
    quotas: new QuotaRepository(db),
    accessTokens: new AccessTokenRepository(db),
  };
}
