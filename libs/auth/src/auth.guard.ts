import { CanActivate, ExecutionContext, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import { AuthService } from './auth.service';
import { ForbiddenError, UnauthenticatedError } from './auth.errors';
import type { Principal } from './principal';
import { RateLimits } from './rate-limit/rate-limits.service';

const IS_PUBLIC = 'auth:isPublic';
const FOR_SERVICE = 'auth:forService';
/** Marks a route that needs no token (health, metrics). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
/** Marks a route of the model gateway: only service tokens reach it, and they reach nothing else. */
export const ForService = () => SetMetadata(FOR_SERVICE, true);

interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

export function requestOf(context: ExecutionContext): AuthenticatedRequest {
  if (context.getType<GqlContextType>() === 'graphql') {
    return GqlExecutionContext.create(context).getContext<{ req: AuthenticatedRequest }>().req;
  }
  return context.switchToHttp().getRequest<AuthenticatedRequest>();
}

export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? /^Bearer\s+(\S+)$/i.exec(value) : null;
  return match?.[1];
}

/**
 * Global guard: every REST route and GraphQL operation needs a valid bearer token unless
 * @Public. Service tokens reach the @ForService routes only (sending events, verifying keys);
 * people's tokens reach everything else.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
    private readonly rateLimits: RateLimits,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const req = requestOf(context);
    let principal = req.principal;
    if (!principal) {
      // an address past its budget of failures is refused before any token lookup
      this.rateLimits.refuseIfAuthFailuresExhausted(req);
      principal = (await this.auth.authenticate(bearerToken(req.headers.authorization))) ?? undefined;
      if (!principal) {
        this.rateLimits.recordAuthFailure(req);
        throw new UnauthenticatedError();
      }
    }
    const forService = this.reflector.getAllAndOverride<boolean>(FOR_SERVICE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (forService && principal.kind !== 'service')
      throw new ForbiddenError("this route is for the gateway's service tokens");
    if (!forService && principal.kind === 'service') {
      throw new ForbiddenError('service tokens only send events and verify keys; use a personal access token');
    }
    req.principal = principal;
    return true;
  }
}

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext) => requestOf(context).principal,
);
