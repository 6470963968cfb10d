import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { RateLimitedError } from '@app/errors';
import type { Principal } from '../principal';
import { ConcurrencySlots } from './concurrency-slots';
import { TokenBucketLimiter } from './token-bucket';

/** What the limits read of a request (Express's; a graphql-ws connection's has headers only). */
export interface LimitedRequest {
  ip?: string;
  socket?: { remoteAddress?: string };
  res?: { headersSent: boolean; setHeader(name: string, value: string): unknown };
}

// an export streams for a while; a client that waits this long has a fair chance of a free slot
const EXPORT_RETRY_AFTER_SECONDS = 5;

// an ad hoc query stops after its max_execution_time (10 s); most end far sooner
const SQL_RETRY_AFTER_SECONDS = 2;
/** Ad hoc SQL runs at once: in the process (they share its engine), and per person. */
export const SQL_MAX_CONCURRENT = 4;
/**
 * The embedded engine runs a caller's SQL alone (ClickHouseGateway.queryTable, for chdb's
 * leftover output): a second slot would only queue runs behind one another while every usage
 * read and ingest insert of the process waits behind them all (measured: four slow runs held the
 * engine 40 s, a usageSummary waited 40.3 s).
 */
export const SQL_MAX_CONCURRENT_EMBEDDED = 1;
export const SQL_MAX_CONCURRENT_PER_USER = 1;
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export function principalKey(principal: Principal | undefined): string {
  if (!principal) return 'anonymous';
  return principal.kind === 'user' ? `user:${principal.userId}` : 'service';
}

/**
 * The process's rate limits: failed authentication per client address, expensive work per
 * principal, concurrent exports per user. In memory, one set per process: a deployment with
 * several replicas shares them through Redis or enforces them at the load balancer.
 */
@Injectable()
export class RateLimits {
  readonly authFailures: TokenBucketLimiter;
  readonly expensive: TokenBucketLimiter;
  readonly exports: ConcurrencySlots;
  readonly sqlRuns: ConcurrencySlots;
  readonly sqlRunsPerUser = new ConcurrencySlots(SQL_MAX_CONCURRENT_PER_USER);
  // a GraphQL operation is guarded once per root field; its failure counts once
  private readonly counted = new WeakSet<object>();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.authFailures = new TokenBucketLimiter(config.rateLimits.authFailuresPerMinute);
    this.expensive = new TokenBucketLimiter(config.rateLimits.expensivePerMinute);
    this.exports = new ConcurrencySlots(config.rateLimits.exportsMaxConcurrentPerUser);
    this.sqlRuns = new ConcurrencySlots(
      config.clickhouse.mode === 'embedded' ? SQL_MAX_CONCURRENT_EMBEDDED : SQL_MAX_CONCURRENT,
    );
  }

  /** Throws RATE_LIMITED when the request's address has failed authentication too often, before any lookup. */
  refuseIfAuthFailuresExhausted(req: object): void {
    const address = clientAddress(req);
    if (address === undefined) return;
    const waitMs = this.authFailures.waitMs(address);
    if (waitMs > 0) throw refusal(req, 'too many failed authentication attempts from this address', seconds(waitMs));
  }

  recordAuthFailure(req: object): void {
    const address = clientAddress(req);
    if (address === undefined || this.counted.has(req)) return;
    this.counted.add(req);
    this.authFailures.spend(address);
  }

  /** Takes `weight` from the principal's budget of expensive work, or throws RATE_LIMITED. */
  takeExpensive(req: object, principal: Principal | undefined, weight: number): void {
    const key = principalKey(principal);
    if (this.expensive.tryTake(key, weight)) return;
    const waitMs = this.expensive.waitMs(key, weight);
    throw refusal(req, 'too many expensive requests; slow down', seconds(waitMs));
  }

  /** An export slot of the principal (release it when the export ends), or RATE_LIMITED. */
  acquireExportSlot(req: object, principal: Principal | undefined): () => void {
    const release = this.exports.tryAcquire(principalKey(principal));
    if (release) return release;
    throw refusal(
      req,
      `at most ${this.exports.perKey} exports at once; wait for one to finish`,
      EXPORT_RETRY_AFTER_SECONDS,
    );
  }

  /** A slot for one ad hoc SQL run (release it when the run ends), or RATE_LIMITED. */
  acquireSqlSlot(req: object, principal: Principal | undefined): () => void {
    const mine = this.sqlRunsPerUser.tryAcquire(principalKey(principal));
    if (!mine) throw refusal(req, 'one SQL query at a time; wait for yours to finish', SQL_RETRY_AFTER_SECONDS);
    const shared = this.sqlRuns.tryAcquire('process');
    if (shared) {
      return () => {
        shared();
        mine();
      };
    }
    mine();
    const most = this.sqlRuns.perKey;
    throw refusal(req, `at most ${most} SQL queries run at once; try again`, SQL_RETRY_AFTER_SECONDS);
  }
}

/**
 * The socket's address (Express's `req.ip`, which follows the app's `trust proxy` setting).
 * A graphql-ws connection's request carries none: its failures are not counted, rather than
 * all of them sharing one budget that one client could spend for everyone.
 */
function clientAddress(req: object): string | undefined {
  const { ip, socket } = req as LimitedRequest;
  return ip ?? socket?.remoteAddress;
}

/** The error, with Retry-After set already for GraphQL over HTTP (the REST filter sets it too). */
function refusal(req: object, message: string, retryAfterSeconds: number): RateLimitedError {
  const { res } = req as LimitedRequest;
  if (res && !res.headersSent) res.setHeader('Retry-After', String(retryAfterSeconds));
  return new RateLimitedError(message, retryAfterSeconds);
}
