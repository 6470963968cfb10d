import { InvitationResolver } from './invitation.resolver';
import { KeyMutationsResolver } from './key-mutations.resolver';
import { MembershipResolver } from './membership.resolver';
import { PlanMutationsResolver } from './plan-mutations.resolver';
import { PlanResolver } from './plan.resolver';
import { QuotaResolver } from './quota.resolver';
import { SeatResolver } from './seat.resolver';
import { TeamMutationsResolver } from './team-mutations.resolver';
import { TeamResolver } from './team.resolver';
import { UserMutationsResolver } from './user-mutations.resolver';
import { UserResolver } from './user.resolver';

export const TEAM_RESOLVERS = [
  TeamResolver,
  UserResolver,
  MembershipResolver,
  InvitationResolver,
  PlanResolver,
  SeatResolver,
  QuotaResolver,
  TeamMutationsResolver,
  PlanMutationsResolver,
  KeyMutationsResolver,
  UserMutationsResolver,
];
