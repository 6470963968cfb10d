export * from './kafka.factory';
export * from './topics';
export * from './idempotent-producer';
export * from './kafka.module';
export * from './batch-steps';
export * from './batch-consumer';
export * from './dead-letters';
