import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { AccessTokenResolver } from './access-token.resolver';
import { AuthService, TOKEN_RESOLVERS } from './auth.service';

@Global()
@Module({
  providers: [
    AuthService,
    AccessTokenResolver,
    {
      provide: TOKEN_RESOLVERS,
      inject: [AccessTokenResolver],
      useFactory: (accessTokens: AccessTokenResolver) => [accessTokens],
    },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService],
})
export class AuthModule {}
