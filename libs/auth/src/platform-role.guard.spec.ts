import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError } from './auth.errors';
import { PlatformRoleGuard, RequirePlatformRole } from './platform-role.guard';
import type { Principal } from './principal';

class Prices {
  @RequirePlatformRole('ADMIN')
  setModelPrice(): void {}

  @RequirePlatformRole('ADMIN', 'SRE')
  replayDlq(): void {}

  modelPrices(): void {}
}

function contextFor(handler: keyof Prices, principal: Principal | undefined): ExecutionContext {
  return {
    getType: () => 'http',
    getHandler: () => Prices.prototype[handler],
    getClass: () => Prices,
    switchToHttp: () => ({ getRequest: () => ({ headers: {}, principal }) }),
  } as unknown as ExecutionContext;
}

const person = (...platformRoles: Array<'ADMIN' | 'FINANCE' | 'SRE'>): Principal => ({
  kind: 'user',
  userId: 'u1',
  platformRoles,
});

describe('RequirePlatformRole', () => {
  const guard = new PlatformRoleGuard(new Reflector());

  it('lets a holder of one of the roles through', () => {
    expect(guard.canActivate(contextFor('setModelPrice', person('ADMIN')))).toBe(true);
    expect(guard.canActivate(contextFor('replayDlq', person('SRE')))).toBe(true);
  });

  it('refuses other people and service tokens, naming the operation and the role', () => {
    expect(() => guard.canActivate(contextFor('setModelPrice', person('FINANCE')))).toThrow(
      new ForbiddenError('setModelPrice needs the platform role ADMIN'),
    );
    expect(() => guard.canActivate(contextFor('setModelPrice', { kind: 'service' }))).toThrow(ForbiddenError);
  });

  it('leaves undecorated operations alone', () => {
    expect(guard.canActivate(contextFor('modelPrices', person()))).toBe(true);
  });
});
