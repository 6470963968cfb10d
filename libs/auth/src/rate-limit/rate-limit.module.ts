import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ExpensiveWorkInterceptor } from './expensive';
import { RateLimits } from './rate-limits.service';

/** The process's rate limits (see RateLimits), global so the auth guard and exports reach them. */
@Global()
@Module({
  providers: [RateLimits, { provide: APP_INTERCEPTOR, useClass: ExpensiveWorkInterceptor }],
  exports: [RateLimits],
})
export class RateLimitModule {}
