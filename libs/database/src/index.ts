export * from './data-source';
export * from './database.module';
export * from './ensure-database';
export * from './pending-migrations';
