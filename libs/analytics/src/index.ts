export * from './analytics.module';
export * from './usage-queries';
export * from './usage-aggregator';
export * from './usage-source';
export * from './time-range';
export * from './dto/usage-enums';
export * from './dto/usage-filter.input';
