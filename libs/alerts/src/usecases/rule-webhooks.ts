import { NotFoundError } from '@app/errors';
import type { AlertsStore } from '../persistence';

/** A rule notifies endpoints of its own team (or of the platform, for a platform rule) only. */
export async function ruleWebhooks(store: AlertsStore, ids: readonly string[], teamId: string | null) {
  const unique = [...new Set(ids)];
  const found = new Set(await store.webhooks.inScope(unique, teamId));
  const foreign = unique.find((id) => !found.has(id));
  if (foreign) {
    throw new NotFoundError(
      `webhookIds: ${foreign} is not an endpoint of ${teamId ? `team ${teamId}` : 'the platform'}`,
    );
  }
  return unique;
}
