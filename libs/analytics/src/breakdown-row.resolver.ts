import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Principal } from '@app/auth';
import {
  MembershipReader,
  OBJECT_ACCESS_RULES,
  RequestContext,
  TeamReader,
  TeamType,
  toTeam,
  Viewer,
} from '@app/teams';
import { BreakdownRow } from './dto/usage-types';

/** A breakdown row's team, loaded with the others of its page in one query. */
@Resolver(() => BreakdownRow)
export class BreakdownRowResolver {
  private readonly viewers = new WeakMap<object, Viewer>();

  constructor(
    private readonly reader: TeamReader,
    private readonly memberships: MembershipReader,
  ) {}

  /**
   * Null, not FORBIDDEN, for a team the caller may not read (their own past usage in a team they
   * left): a badge missing from a row, not a failed page. The Team rule then admits what is left.
   */
  @ResolveField(() => TeamType, {
    nullable: true,
    description:
      "the one team all of the row's usage in the range was made in (the row's own on a TEAM view); null when it " +
      'spans teams, is in the personal space, or is a team the caller may not read',
  })
  async team(
    @Parent() row: BreakdownRow,
    @CurrentPrincipal() principal: Principal,
    @Context() context: RequestContext,
  ): Promise<TeamType | null> {
    if (!row.teamId) return null;
    const found = await this.reader.loaders(context).teams.load(row.teamId);
    if (!found) return null;
    const team = toTeam(found);
    return (await OBJECT_ACCESS_RULES.entities.Team(team as never, this.viewerOf(principal, context))) ? team : null;
  }

  /** One viewer per request: the caller's roles are read once for the page's rows. */
  private viewerOf(principal: Principal, context: RequestContext): Viewer {
    let viewer = this.viewers.get(context.req);
    if (!viewer) {
      viewer = Viewer.of(principal, this.memberships);
      this.viewers.set(context.req, viewer);
    }
    return viewer;
  }
}
