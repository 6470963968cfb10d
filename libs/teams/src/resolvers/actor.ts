import { ForbiddenError, Principal } from '@app/auth';

/** The person a command acts for: commands need a personal access token. */
export function actorOf(principal: Principal | undefined): string {
  if (principal?.kind !== 'user') throw new ForbiddenError('this needs a user access token');
  return principal.userId;
}
