import { ConflictError } from '@app/errors';

/** No WEBHOOK_SECRET_KEY: a webhook's signing secret could not be stored, so none is created. */
export class WebhooksNotConfiguredError extends ConflictError {
  constructor() {
    super('webhooks are not configured on this server: WEBHOOK_SECRET_KEY is not set');
  }
}
