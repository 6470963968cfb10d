import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { RequestContext, TeamReader, TeamType, toTeam } from '@app/teams';
import { BreakdownRow } from './dto/usage-types';

/** A breakdown row's team, loaded with the others of its page in one query (the Team rule checks each). */
@Resolver(() => BreakdownRow)
export class BreakdownRowResolver {
  constructor(private readonly reader: TeamReader) {}

  @ResolveField(() => TeamType, {
    nullable: true,
    description:
      "the one team all of the row's usage in the range was made in (the row's own on a TEAM view); null when it " +
      'spans teams or is in the personal space',
  })
  async team(@Parent() row: BreakdownRow, @Context() context: RequestContext): Promise<TeamType | null> {
    if (!row.teamId) return null;
    const team = await this.reader.loaders(context).teams.load(row.teamId);
    return team ? toTeam(team) : null;
  }
}
