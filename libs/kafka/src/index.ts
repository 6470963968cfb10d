export * from './kafka.factory';
export * from './topics';
export * from './idempotent-producer';
export * from './kafka.module';
export * from './batch-steps';
