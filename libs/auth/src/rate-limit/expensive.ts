import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Observable } from 'rxjs';
import { requestOf } from '../auth.guard';
import { RateLimits } from './rate-limits.service';

const EXPENSIVE_WEIGHT = 'rateLimit:expensiveWeight';

/**
 * Marks a query or route that reads much (usage aggregates, call logs, exports): each call
 * takes `weight` from the caller's per-minute budget of expensive work.
 */
export const Expensive = (weight = 1) => SetMetadata(EXPENSIVE_WEIGHT, weight);

/** Global: runs after the guards, so the principal is known; counts only @Expensive handlers. */
@Injectable()
export class ExpensiveWorkInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly limits: RateLimits,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const weight = this.reflector.getAllAndOverride<number | undefined>(EXPENSIVE_WEIGHT, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (weight !== undefined) {
      const req = requestOf(context);
      this.limits.takeExpensive(req, req.principal, weight);
    }
    return next.handle();
  }
}
