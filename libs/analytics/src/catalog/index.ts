export * from './dimensions';
export * from './measures';
export * from './tables';
export * from './ddl';
