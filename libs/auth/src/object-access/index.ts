export * from './guard-schema';
