export * from './token-bucket';
export * from './concurrency-slots';
export * from './rate-limits.service';
export * from './expensive';
export * from './rate-limit.module';
