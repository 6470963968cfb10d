export * from './alert-event.repository';
export * from './alert-rule.repository';
export * from './alerts-store';
export * from './budget.repository';
export * from './queryable';
export * from './rows';
export * from './webhook.repository';
