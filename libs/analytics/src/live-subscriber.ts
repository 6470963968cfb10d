import { ForbiddenError } from '@app/auth';

/** Does the subscriber still see what it subscribed to? Asked before every push. */
export type AccessCheck = () => Promise<boolean>;

/**
 * One GraphQL subscription's stream: updates pushed by a hub, read by graphql-ws. A reader that
 * falls behind keeps the newest `capacity` updates (the oldest go). The last message may be the
 * end of its access (resolved into a FORBIDDEN error); the subscription completes after it.
 */
export class LiveSubscriber<T> implements AsyncIterableIterator<T | ForbiddenError> {
  private readonly queue: (T | ForbiddenError)[] = [];
  private waiting?: (r: IteratorResult<T | ForbiddenError>) => void;
  private closed = false;
  private ending = false;

  constructor(
    readonly stillAllowed: AccessCheck,
    private readonly onClose: () => void,
    private readonly capacity: number,
  ) {}

  push(value: T | ForbiddenError): void {
    if (this.closed || this.ending) return;
    if (this.waiting) {
      this.waiting({ value, done: false });
      this.waiting = undefined;
      return;
    }
    this.queue.push(value);
    if (this.queue.length > this.capacity) this.queue.shift();
  }

  end(reason: ForbiddenError): void {
    this.push(reason);
    this.ending = true;
  }

  next(): Promise<IteratorResult<T | ForbiddenError>> {
    if (this.queue.length) return Promise.resolve({ value: this.queue.shift()!, done: false });
    if (this.closed || this.ending) return this.return();
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T | ForbiddenError>> {
    if (!this.closed) {
      this.closed = true;
      this.waiting?.({ value: undefined, done: true });
      this.onClose();
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T | ForbiddenError> {
    return this;
  }
}
