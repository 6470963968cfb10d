import { applyDecorators, CanActivate, ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError } from './auth.errors';
import { requestOf } from './auth.guard';
import type { PlatformRole } from './principal';

const PLATFORM_ROLES = 'auth:platformRoles';

/** Refuses callers without one of the platform roles; runs after the global AuthGuard found the caller. */
@Injectable()
export class PlatformRoleGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<PlatformRole[]>(PLATFORM_ROLES, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!roles?.length) return true;
    const principal = requestOf(context).principal;
    if (principal?.kind === 'user' && roles.some((role) => principal.platformRoles.includes(role))) return true;
    throw new ForbiddenError(`${context.getHandler().name} needs the platform role ${roles.join(' or ')}`);
  }
}

/** A route or GraphQL operation only people with one of these platform roles may call. */
export const RequirePlatformRole = (...roles: [PlatformRole, ...PlatformRole[]]) =>
  applyDecorators(SetMetadata(PLATFORM_ROLES, roles), UseGuards(PlatformRoleGuard));
