export * from './principal';
export * from './auth.service';
export * from './auth.guard';
export * from './auth.errors';
export * from './auth.module';
export * from './access-token.resolver';
export * from './object-access';
export * from './platform-role.guard';
