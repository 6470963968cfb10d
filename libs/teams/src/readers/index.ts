export * from './team-loaders';
export * from './team.reader';
export * from './quota-status.reader';
export * from './directory.reader';
