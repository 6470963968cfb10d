export * from './call-usage.stream';
export * from './key-state';
export * from './key-state-changes';
export * from './usage-tally';
export * from './verify-fast-path';
