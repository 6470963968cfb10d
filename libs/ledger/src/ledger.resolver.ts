import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import {
  CurrentPrincipal,
  Expensive,
  ForbiddenError,
  hasPlatformRole,
  Principal,
  RequirePlatformRole,
} from '@app/auth';
import { NotFoundError } from '@app/errors';
import { assertUuid, MembershipReader } from '@app/teams';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RepriceResultType, StatementType } from './dto/ledger.types';
import { ClosePeriod } from './period-close/close-period';
import { StatementReader } from './period-close/statement.reader';
import { RepriceUsage } from './repricing/reprice-usage';

function personOf(principal: Principal | undefined): string {
  if (principal?.kind !== 'user') throw new ForbiddenError('the ledger needs a personal access token');
  return principal.userId;
}

/** Repricing, period close and statements (finance). */
@Resolver()
export class LedgerResolver {
  constructor(
    private readonly reprice: RepriceUsage,
    private readonly close: ClosePeriod,
    private readonly statements: StatementReader,
    private readonly memberships: MembershipReader,
    @InjectDataSource() private readonly postgres: DataSource,
  ) {}

  @Mutation(() => RepriceResultType, {
    description:
      "Recomputes the cost of a model's stored events in [from, to) with the prices as they stand now; audited, " +
      'exactly once (an unfinished run is completed by the same call). Platform ADMIN or FINANCE.',
  })
  @RequirePlatformRole('ADMIN', 'FINANCE')
  repriceUsage(
    @CurrentPrincipal() principal: Principal,
    @Args('model') model: string,
    @Args('from') from: Date,
    @Args('to') to: Date,
  ): Promise<RepriceResultType> {
    return this.reprice.execute(model, from, to, personOf(principal));
  }

  @Mutation(() => Boolean, {
    description:
      "Records each team's totals of a month (YYYY-MM) in a time zone as of now; once per period. " +
      'Platform ADMIN or FINANCE.',
  })
  @RequirePlatformRole('ADMIN', 'FINANCE')
  async closePeriod(
    @CurrentPrincipal() principal: Principal,
    @Args('period') period: string,
    @Args('timeZone', { type: () => String, nullable: true, defaultValue: 'UTC' }) timeZone?: string | null,
  ): Promise<boolean> {
    await this.close.execute(period, timeZone ?? 'UTC', personOf(principal));
    return true;
  }

  @Query(() => StatementType, {
    description:
      "A team's month: closed totals, restatements since, current cost. The team's OWNER or ADMINs, " +
      'platform ADMIN or FINANCE.',
  })
  @Expensive(1)
  async statement(
    @CurrentPrincipal() principal: Principal,
    @Args('teamId', { type: () => ID }) teamId: string,
    @Args('period') period: string,
  ): Promise<StatementType> {
    const userId = personOf(principal);
    assertUuid(teamId, 'teamId');
    if (hasPlatformRole(principal, 'ADMIN', 'FINANCE')) {
      const known = await this.postgres.query<unknown[]>('SELECT 1 FROM teams WHERE id = $1', [teamId]);
      if (known.length === 0) throw new NotFoundError(`team ${teamId} does not exist`);
    } else {
      const role = (await this.memberships.rolesOf(userId)).get(teamId);
      if (role !== 'OWNER' && role !== 'ADMIN') {
        throw new ForbiddenError(
          `statements of team ${teamId} are for its OWNER or ADMINs, or platform ADMIN or FINANCE`,
        );
      }
    }
    return this.statements.read(teamId, period);
  }
}
