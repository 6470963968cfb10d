export * from './commands';
export * from './team-lifecycle.service';
export * from './users.service';
export * from './key-verification.service';
export * from './outbox-relay';
export * from './team-event-store';
export * from './teams.module';
export * from './team-state-rebuild';
