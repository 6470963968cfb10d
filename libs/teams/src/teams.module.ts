import { Module } from '@nestjs/common';
import { AnalyticsModule } from '@app/analytics';
import { KeyVerificationService } from './key-verification.service';
import { KeysController } from './keys.controller';
import { MyUsageResolver } from './my-usage.resolver';
import { OutboxRelay } from './outbox-relay';
import { QuotaUseReader } from './quota-use.reader';
import { TeamEventsSink } from './team-events.sink';
import { TeamLifecycleService } from './team-lifecycle.service';
import { InvitationResolver, MembershipResolver, PlanResolver, SeatResolver, TeamsResolver, UserResolver } from './teams.resolver';
import { UsersService } from './users.service';

/** Teams, members, invitations, plans, seats, keys and quotas: commands, reads, key verification, outbox. */
@Module({
  imports: [AnalyticsModule],
  controllers: [KeysController],
  providers: [TeamLifecycleService, UsersService, QuotaUseReader, KeyVerificationService, OutboxRelay, TeamsResolver, MembershipResolver, UserResolver, InvitationResolver, PlanResolver, SeatResolver, MyUsageResolver],
  exports: [TeamLifecycleService, UsersService, KeyVerificationService, OutboxRelay],
})
export class TeamsModule {}

/** The worker's part: team-events.v1 → ClickHouse membership_events. */
@Module({ providers: [TeamEventsSink] })
export class TeamEventsSinkModule {}
