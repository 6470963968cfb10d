import type { ObjectAccessRules, ObjectRule } from '@app/auth';
import type {
  AccessTokenType,
  ApiKeyType,
  InvitationType,
  MembershipType,
  PlanType,
  QuotaType,
  SeatType,
  TeamType,
  UserType,
} from '../graphql-types';
import type { Viewer } from './viewer';

/** Platform roles that read every team's people, plans, keys and quotas (support, SRE work, cost attribution). */
const readsEveryTeam = (v: Viewer) => v.hasPlatformRole('ADMIN', 'SRE', 'FINANCE');

/** Alert rules, events and endpoints: a team's are its managers', the platform's (no team) platform ADMIN's and SRE's. */
const seesAlertsOf = async (teamId: string | null, v: Viewer) =>
  v.hasPlatformRole('ADMIN', 'SRE') || (teamId !== null && (await v.manages(teamId)));

/** Invitations carry invitees' addresses: the team's managers and platform staff, not FINANCE. */
const seesInvitation = async (i: InvitationType, v: Viewer) =>
  v.hasPlatformRole('ADMIN', 'SRE') || (await v.manages(i.teamId));

const rule = <T>(check: (object: T, viewer: Viewer) => boolean | Promise<boolean>) => check as ObjectRule<Viewer>;

/**
 * Who may see what, one rule per object type, applied wherever the object is reached (see
 * guardSchema). The README's "Who may see what" table says the same in words.
 */
export const OBJECT_ACCESS_RULES: ObjectAccessRules<Viewer> = {
  entities: {
    Team: rule<TeamType>(async (t, v) => readsEveryTeam(v) || (await v.isMemberOf(t.id))),
    Membership: rule<MembershipType>(async (m, v) => readsEveryTeam(v) || (await v.isMemberOf(m.teamId))),
    // an invitee need share no team yet: reached through an invitation, whoever may read that reads them
    User: rule<UserType>(
      async (u, v) =>
        u.id === v.userId ||
        readsEveryTeam(v) ||
        (await v.sharesTeamWith(u.id)) ||
        (u.seenThroughInvitation !== undefined && (await seesInvitation(u.seenThroughInvitation, v))),
    ),
    Invitation: rule<InvitationType>(seesInvitation),
    Plan: rule<PlanType>(async (p, v) => readsEveryTeam(v) || (await v.isMemberOf(p.teamId))),
    Seat: rule<SeatType>(async (s, v) => readsEveryTeam(v) || s.userId === v.userId || (await v.manages(s.teamId))),
    ApiKey: rule<ApiKeyType>(async (k, v) => readsEveryTeam(v) || k.userId === v.userId || (await v.manages(k.teamId))),
    Quota: rule<QuotaType>(
      async (q, v) =>
        readsEveryTeam(v) || q.userId === v.userId || (await v.manages(q.teamId)) || (await v.ownsKey(q.apiKeyId)),
    ),
    // a token's name and use are its owner's business only, platform ADMINs included
    AccessToken: rule<AccessTokenType>((t, v) => t.userId === v.userId),
    ModelPrice: rule(() => true),
    // a saved query's text is its owner's; a shared one is also for those who may run SQL in its team
    SavedQuery: rule<{ ownerId: string; shared: boolean; teamId: string | null }>(
      async (q, v) =>
        q.ownerId === v.userId ||
        (q.shared && (readsEveryTeam(v) || (q.teamId !== null && (await v.manages(q.teamId))))),
    ),
    // who ran which query over whose data: platform staff who answer for the service
    SqlAuditEntry: rule((_, v) => v.hasPlatformRole('ADMIN', 'SRE')),
    AlertRule: rule<{ teamId: string | null }>((r, v) => seesAlertsOf(r.teamId, v)),
    AlertEvent: rule<{ teamId: string | null }>((e, v) => seesAlertsOf(e.teamId, v)),
    Webhook: rule<{ teamId: string | null }>((w, v) => seesAlertsOf(w.teamId, v)),
    WebhookAttempt: rule<{ teamId: string | null }>((a, v) => seesAlertsOf(a.teamId, v)),
    // spend is cost: like Quota, plus FINANCE; a member sees the budgets on themselves or their keys
    Budget: rule<{ teamId: string; userId: string | null; apiKeyId: string | null }>(
      async (b, v) =>
        readsEveryTeam(v) ||
        (b.userId !== null && b.userId === v.userId) ||
        (await v.manages(b.teamId)) ||
        (await v.ownsKey(b.apiKeyId)),
    ),
    // the ledger is finance's: statements also to the team's managers, repricing runs to platform ADMIN and FINANCE
    Statement: rule<{ teamId: string }>(
      async (s, v) => v.hasPlatformRole('ADMIN', 'FINANCE') || (await v.manages(s.teamId)),
    ),
    RepriceResult: rule((_, v) => v.hasPlatformRole('ADMIN', 'FINANCE')),
    // a team's incidents (its own and its keys') to its managers, a key's to its owner too; platform and
    // model incidents span teams: platform staff who answer for the service (FINANCE reads cost, not incidents)
    Anomaly: rule<{ teamIdForAccess: string | null; ownerId: string | null }>(
      async (a, v) =>
        v.hasPlatformRole('ADMIN', 'SRE') ||
        (a.ownerId !== null && a.ownerId === v.userId) ||
        (a.teamIdForAccess !== null && (await v.manages(a.teamIdForAccess))),
    ),
  },
  values: {
    CreatedUser: 'envelope: its user is checked by the User rule',
    CreatedApiKey: 'envelope: its key is checked by the ApiKey rule; the secret goes to its creator once',
    CreatedAccessToken: "envelope: the creator's own new token, shown once",
    PersonalUsage: "myUsage: the caller's own usage; its quotas are checked by the Quota rule",
    QuotaUsage: 'envelope: its quota is checked by the Quota rule',
    UsageSummary: 'usage answer: its root field scoped the filter (UsageAccessPolicy)',
    Series: 'usage answer: its root field scoped the filter (UsageAccessPolicy)',
    Point: 'usage answer: its root field scoped the filter (UsageAccessPolicy)',
    RankingEntry: 'usage answer: its root field scoped the filter (UsageAccessPolicy)',
    BreakdownRow: 'usage answer: its root field scoped the filter (UsageAccessPolicy)',
    BreakdownEdge: 'usage answer: its root field scoped the filter (UsageAccessPolicy)',
    BreakdownConnection: 'usage answer: its root field scoped the filter (UsageAccessPolicy)',
    DimensionValue: 'usage answer: its root field scoped the filter (UsageAccessPolicy)',
    CostRow: 'usage answer: its root field scoped the filter (UsageAccessPolicy)',
    LineItems: 'usage answer: its root field scoped the filter (UsageAccessPolicy)',
    CostRowEdge: 'usage answer: its root field scoped the filter (UsageAccessPolicy)',
    CostRowConnection: 'usage answer: its root field scoped the filter (UsageAccessPolicy)',
    CallLog: 'usage answer: callLogs scoped its filter, callLog its reach (UsageAccessPolicy.callLogReach)',
    CallLogEdge: 'usage answer: its root field scoped the filter (UsageAccessPolicy)',
    CallLogConnection: 'usage answer: its root field scoped the filter (UsageAccessPolicy)',
    PageInfo: 'cursor envelope',
    SqlResult: 'sql answer: its root field scoped the query (SqlRunner: roles, team filter in the engine)',
    SqlColumn: 'sql answer: its root field scoped the query (SqlRunner: roles, team filter in the engine)',
    SqlAuditConnection: 'envelope: its entries are checked by the SqlAuditEntry rule',
    SqlAuditEdge: 'envelope: its entry is checked by the SqlAuditEntry rule',
    CreatedWebhook: 'envelope: its webhook is checked by the Webhook rule; the secret goes to its creator once',
    AlertEventConnection: 'envelope: its events are checked by the AlertEvent rule',
    AlertEventEdge: 'envelope: its event is checked by the AlertEvent rule',
    TeamEventNote: 'part of an Anomaly: reached only through one, checked by the Anomaly rule',
    Restatement: 'part of a Statement: reached only through one, checked by the Statement rule',
  },
};
