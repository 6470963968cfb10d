import { Module } from '@nestjs/common';
import { MembershipReader } from './access';
import { KeyBudgets } from './key-budgets';
import { KeyVerificationService } from './key-verification.service';
import { KeysController } from './keys.controller';
import { OutboxRelay } from './outbox-relay';
import { QuotaUseReader } from './quota-use.reader';
import { DirectoryReader, QuotaStatusReader, TeamReader } from './readers';
import { CallUsageStream, KeyStateCache, KeyStateChanges, UsageTally, VerifyFastPath } from './verification';
import { TEAM_RESOLVERS } from './resolvers';
import { TeamEventsSink } from './team-events.sink';
import { PostgresTeamTransactions, TEAM_USE_CASES, TeamTransactions } from './usecases';

/**
 * Teams, members, invitations, plans, seats, keys and quotas: one use case per command, readers
 * for the GraphQL types, key verification, outbox. Other modules read teams' tables only
 * through the exported readers.
 */
@Module({
  controllers: [KeysController],
  providers: [
    { provide: TeamTransactions, useClass: PostgresTeamTransactions },
    ...TEAM_USE_CASES,
    TeamReader,
    MembershipReader,
    QuotaUseReader,
    QuotaStatusReader,
    DirectoryReader,
    KeyVerificationService,
    KeyStateChanges,
    KeyStateCache,
    CallUsageStream,
    VerifyFastPath,
    { provide: UsageTally, inject: [CallUsageStream], useFactory: (stream: CallUsageStream) => stream.tally },
    KeyBudgets,
    OutboxRelay,
    ...TEAM_RESOLVERS,
  ],
  exports: [
    ...TEAM_USE_CASES,
    // analytics' breakdown rows name their team through the same per-request loaders
    TeamReader,
    MembershipReader,
    QuotaStatusReader,
    DirectoryReader,
    KeyVerificationService,
    KeyStateChanges,
    UsageTally,
    KeyBudgets,
    OutboxRelay,
  ],
})
export class TeamsModule {}

/** The worker's part: team-events.v1 → ClickHouse membership_events. */
@Module({ providers: [TeamEventsSink] })
export class TeamEventsSinkModule {}
