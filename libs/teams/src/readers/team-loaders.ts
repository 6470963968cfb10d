import DataLoader from 'dataloader';
import type { QuotaType } from '../graphql-types';
import {
  AccessTokenRow,
  ApiKeyRow,
  groupedBy,
  indexedBy,
  InvitationRow,
  MembershipRow,
  PlanRow,
  QuotaRow,
  SeatRow,
  TeamRow,
  TeamStore,
  UserRow,
} from '../persistence';
import type { QuotaUseReader } from '../quota-use.reader';

/**
 * One request's batch loaders: every field resolved for a list of parents loads in one query
 * per field, not one per parent (50 teams with owners and members: one query each for
 * owners, members and users).
 */
export class TeamLoaders {
  readonly users: DataLoader<string, UserRow | undefined>;
  /** by lower-cased address */
  readonly usersByEmail: DataLoader<string, UserRow | undefined>;
  readonly teams: DataLoader<string, TeamRow | undefined>;
  readonly plans: DataLoader<string, PlanRow | undefined>;
  readonly ownerOfTeam: DataLoader<string, MembershipRow | undefined>;
  readonly membersOfTeam: DataLoader<string, MembershipRow[]>;
  readonly invitationsOfTeam: DataLoader<string, InvitationRow[]>;
  readonly plansOfTeam: DataLoader<string, PlanRow[]>;
  readonly apiKeysOfTeam: DataLoader<string, ApiKeyRow[]>;
  readonly quotasOfTeam: DataLoader<string, QuotaRow[]>;
  readonly seatsOfPlan: DataLoader<string, SeatRow[]>;
  readonly membershipsOfUser: DataLoader<string, MembershipRow[]>;
  readonly accessTokensOfUser: DataLoader<string, AccessTokenRow[]>;
  /** each quota's use in its current period: one engine read for all the quotas of a request */
  readonly quotaUse: DataLoader<QuotaType, number, string>;

  constructor(store: TeamStore, quotaUse: QuotaUseReader) {
    this.users = new DataLoader(async (ids) => indexedBy(ids, await store.users.byIds(ids), (r) => r.id));
    this.usersByEmail = new DataLoader(async (emails) =>
      indexedBy(emails, await store.users.byEmails(emails), (r) => r.email.toLowerCase()),
    );
    this.teams = new DataLoader(async (ids) => indexedBy(ids, await store.teams.byIds(ids), (r) => r.id));
    this.plans = new DataLoader(async (ids) => indexedBy(ids, await store.plans.byIds(ids), (r) => r.id));
    this.ownerOfTeam = new DataLoader(async (ids) =>
      indexedBy(ids, await store.memberships.ownersOf(ids), (r) => r.team_id),
    );
    this.membersOfTeam = new DataLoader(async (ids) =>
      groupedBy(ids, await store.memberships.ofTeams(ids), (r) => r.team_id),
    );
    this.invitationsOfTeam = new DataLoader(async (ids) =>
      groupedBy(ids, await store.invitations.ofTeams(ids), (r) => r.team_id),
    );
    this.plansOfTeam = new DataLoader(async (ids) => groupedBy(ids, await store.plans.ofTeams(ids), (r) => r.team_id));
    this.apiKeysOfTeam = new DataLoader(async (ids) =>
      groupedBy(ids, await store.apiKeys.ofTeams(ids), (r) => r.team_id ?? ''),
    );
    this.quotasOfTeam = new DataLoader(async (ids) =>
      groupedBy(ids, await store.quotas.ofTeams(ids), (r) => r.team_id),
    );
    this.seatsOfPlan = new DataLoader(async (ids) => groupedBy(ids, await store.seats.ofPlans(ids), (r) => r.plan_id));
    this.membershipsOfUser = new DataLoader(async (ids) =>
      groupedBy(ids, await store.memberships.ofUsers(ids), (r) => r.user_id),
    );
    this.accessTokensOfUser = new DataLoader(async (ids) =>
      groupedBy(ids, await store.accessTokens.ofUsers(ids), (r) => r.user_id),
    );
    this.quotaUse = new DataLoader(
      (quotas) =>
        quotaUse.used(
          quotas.map((q) => ({
            team_id: q.teamId,
            user_id: q.userId,
            api_key_id: q.apiKeyId,
            unit: q.unit,
            period: q.period,
          })),
          Date.now(),
        ),
      { cacheKeyFn: (q) => q.id },
    );
  }
}
