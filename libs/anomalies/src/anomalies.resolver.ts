import { Args, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { resolveRange, UsageFilterInput } from '@app/analytics';
import { CurrentPrincipal, Expensive, ForbiddenError, Principal } from '@app/auth';
import { BadUserInputError } from '@app/errors';
import { MembershipReader } from '@app/teams';
import { AnomalyReader } from './anomaly-reader';
import { AnomalyStore } from './anomaly.store';
import { AnomalyType, TeamEventNoteType } from './anomaly.types';

/** incidents per answer, newest first */
const LIST_LIMIT = 500;
const STATUSES = new Set(['OPEN', 'RESOLVED']);
const UNSUPPORTED_FILTERS = ['userIds', 'memberOfTeamIds', 'services', 'modelTypes', 'sources', 'tags'] as const;

/**
 * `anomalies(filter, status)`: incidents overlapping the filter's range, newest first, narrowed by
 * its teamIds, apiKeyIds and models. Who sees which: platform ADMIN and SRE every incident; team
 * OWNERs and ADMINs their teams' (the team's and its keys'); anyone the incidents of their own
 * keys. Platform and model incidents span teams: platform staff only. The Anomaly rule checks
 * each object again wherever it is reached.
 */
@Resolver(() => AnomalyType)
export class AnomaliesResolver {
  constructor(
    private readonly store: AnomalyStore,
    private readonly reader: AnomalyReader,
    private readonly memberships: MembershipReader,
  ) {}

  @Query(() => [AnomalyType])
  @Expensive(1)
  async anomalies(
    @CurrentPrincipal() principal: Principal,
    @Args('filter') filter: UsageFilterInput,
    @Args('status', { type: () => String, nullable: true }) status?: string | null,
  ): Promise<AnomalyType[]> {
    if (principal?.kind !== 'user') throw new ForbiddenError('anomalies are read with a personal access token');
    if (status != null && !STATUSES.has(status)) throw new BadUserInputError('status: OPEN or RESOLVED');
    const unsupported: string[] = UNSUPPORTED_FILTERS.filter((f) => filter[f]?.length);
    if (unsupported.length) {
      throw new BadUserInputError(
        `filter: anomalies are narrowed by teamIds, apiKeyIds and models, not ${unsupported.join(', ')}`,
      );
    }
    const now = Date.now();
    const range = resolveRange(filter.range, now);
    const staff = principal.platformRoles.includes('ADMIN') || principal.platformRoles.includes('SRE');
    let readableBy: { managedTeamIds: string[]; userId: string } | undefined;
    if (!staff) {
      const roles = await this.memberships.rolesOf(principal.userId);
      const outsider = (filter.teamIds ?? []).find((t) => !roles.has(t));
      if (outsider) throw new ForbiddenError(`teamIds: ${outsider} is not a team of yours`);
      const managed = [...roles].filter(([, role]) => role !== 'MEMBER').map(([team]) => team);
      readableBy = { managedTeamIds: managed, userId: principal.userId };
    }
    const rows = await this.store.list({
      from: range.from,
      to: range.to,
      status: (status ?? undefined) as 'OPEN' | 'RESOLVED' | undefined,
      teamIds: filter.teamIds,
      apiKeyIds: filter.apiKeyIds,
      models: filter.models,
      readableBy,
      limit: LIST_LIMIT,
    });
    return this.reader.present(rows, now);
  }

  @ResolveField(() => [TeamEventNoteType], {
    description: 'team events in the incident and the hour before it (keys, roles, quotas, seats), and price changes',
  })
  annotations(@Parent() anomaly: AnomalyType): Promise<TeamEventNoteType[]> {
    return anomaly.notes();
  }
}
