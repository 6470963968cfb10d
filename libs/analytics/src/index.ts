export * from './analytics.module';
export * from './usage-summary.query';
export * from './time-range';
