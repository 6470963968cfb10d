export * from './http';
export * from './platform.module';
export * from './schema-wait';
