export * from './usage-enums';
export * from './dimensions';
export * from './measures';
export * from './read-measures';
export * from './tables';
export * from './ddl';
export * from './placement';
export * from './sql-relations';
