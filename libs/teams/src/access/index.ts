export * from './membership.reader';
export * from './object-rules';
export * from './viewer';
