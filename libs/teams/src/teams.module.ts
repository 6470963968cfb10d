import { Module } from '@nestjs/common';
import { KeyVerificationService } from './key-verification.service';
import { KeysController } from './keys.controller';
import { OutboxRelay } from './outbox-relay';
import { TeamEventsSink } from './team-events.sink';
import { TeamLifecycleService } from './team-lifecycle.service';
import { InvitationResolver, MembershipResolver, PlanResolver, SeatResolver, TeamsResolver, UserResolver } from './teams.resolver';
import { UsersService } from './users.service';

/** Teams, members, invitations, plans, seats, keys and quotas: commands, reads, key verification, outbox. */
@Module({
  controllers: [KeysController],
  providers: [TeamLifecycleService, UsersService, KeyVerificationService, OutboxRelay, TeamsResolver, MembershipResolver, UserResolver, InvitationResolver, PlanResolver, SeatResolver],
  exports: [TeamLifecycleService, UsersService, KeyVerificationService, OutboxRelay],
})
export class TeamsModule {}

/** The worker's part: team-events.v1 → ClickHouse membership_events. */
@Module({ providers: [TeamEventsSink] })
export class TeamEventsSinkModule {}
