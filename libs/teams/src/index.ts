export * from './usecases';
export type {
  AccessTokenRow,
  ApiKeyRow,
  InvitationRow,
  MembershipRow,
  PlanRow,
  QuotaRow,
  SeatRow,
  TeamRole,
  TeamRow,
  UserRow,
} from './persistence';
export * from './readers';
export * from './graphql-types';
export * from './key-budgets';
export * from './key-verification.service';
export * from './verification';
export * from './outbox-relay';
export * from './team-event-store';
export * from './teams.module';
export * from './team-state-rebuild';
export * from './quota-use.reader';
export * from './access';
