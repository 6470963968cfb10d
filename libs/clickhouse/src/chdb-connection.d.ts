// chdb declares this entry point only in package.json "exports", which the project's
// "node" module resolution does not read; point the types at the same files.
declare module 'chdb/connection' {
  export * from 'chdb/dist/connection';
}
