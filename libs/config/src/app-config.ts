import { plainToInstance, Transform } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  Matches,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  Min,
  MinLength,
  getMetadataStorage,
  validateSync,
} from 'class-validator';
import * as path from 'node:path';
import { packageRoot } from './package-root';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
// environment variables are strings (or absent)
const toList = ({ value }: { value?: string }) =>
  value === undefined || value === ''
    ? undefined
    : value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
const toBool = ({ value }: { value?: string }) =>
  value === undefined || value === '' ? undefined : ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());

/**
 * Every environment variable the services read. Read and validated once at start
 * (`loadConfig`); the rest of the code receives the typed `AppConfig` object.
 */
export class EnvironmentVariables {
  @IsOptional() @IsIn(['development', 'test', 'production']) NODE_ENV?: string;

  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535) PORT?: number;
  @IsOptional() @IsString() HOST?: string;

  @IsOptional() @IsString() DATABASE_URL?: string;

  @IsOptional() @IsString() CLICKHOUSE_URL?: string;
  @IsOptional() @IsString() CLICKHOUSE_USER?: string;
  @IsOptional() @IsString() CLICKHOUSE_PASSWORD?: string;
  @IsOptional() @IsString() CLICKHOUSE_PATH?: string;
  @IsOptional() @IsString() @MinLength(1) CLICKHOUSE_DATABASE?: string;
  @IsOptional() @Matches(/^[A-Za-z_][A-Za-z0-9_]*$/) CLICKHOUSE_CLUSTER?: string;

  @IsOptional() @IsString() KAFKA_BROKERS?: string;
  @IsOptional() @IsString() KAFKA_CLIENT_ID?: string;
  @IsOptional() @IsString() KAFKA_CALLS_TOPIC?: string;
  @IsOptional() @IsString() KAFKA_CONSUMER_GROUP?: string;
  @IsOptional() @IsString() KAFKA_TEAM_EVENTS_TOPIC?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1000) KAFKA_TOPIC_PARTITIONS?: number;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1_000_000) INGEST_BATCH_MAX_EVENTS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(60_000) INGEST_BATCH_MAX_WAIT_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100_000) INGEST_MAX_EVENTS_PER_REQUEST?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1024) INGEST_MAX_BODY_BYTES?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(64 * 1024 * 1024) INGEST_FETCH_MIN_BYTES?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) INGEST_FAULT_WRITE_FAILURE_MS?: number;
  @IsOptional() @Transform(toBool) @IsBoolean() INGEST_DEDUP_BY_EVENT_ID?: boolean;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3650) INGEST_HORIZON_DAYS?: number;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) CREDITS_PER_UNIT?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1000) @Max(600_000) LEDGER_SETTLE_MS?: number;
  /** the one currency every amount of cost is in (ISO 4217 code shape: three capital letters) */
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'CURRENCY must be an ISO 4217 code such as USD (three capital letters)' })
  CURRENCY?: string;

  @IsOptional() @IsString() @MinLength(16) SERVICE_TOKEN?: string;
  /** comma-separated gateway tokens, several at once while one is rotated out; merged with SERVICE_TOKEN */
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayNotEmpty()
  @IsString({ each: true })
  @MinLength(16, { each: true, message: 'each of SERVICE_TOKENS must be at least 16 characters' })
  SERVICE_TOKENS?: string[];
  @IsOptional() @IsIn(['debug', 'info', 'warn', 'error']) LOG_LEVEL?: string;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) RATE_LIMIT_AUTH_FAILURES_PER_MINUTE?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) RATE_LIMIT_EXPENSIVE_PER_MINUTE?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1000) EXPORTS_MAX_CONCURRENT_PER_USER?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(600_000) HEALTH_CHECK_INTERVAL_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(50) @Max(60_000) HEALTH_PROBE_TIMEOUT_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(3_600_000) METRICS_REFRESH_INTERVAL_MS?: number;
  @IsOptional() @IsString() @MinLength(16) METRICS_TOKEN?: string;
  @IsOptional() @IsString() @MinLength(32) CURSOR_SECRET?: string;
  @IsOptional() @Transform(toBool) @IsBoolean() RUN_MIGRATIONS?: boolean;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1000) SCHEMA_WAIT_TIMEOUT_MS?: number;

  /** 0 stops the scheduled loop (tests drive the evaluator by hand) */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) ALERTS_EVALUATION_INTERVAL_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) WEBHOOK_DISPATCH_INTERVAL_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(24) @Max(24 * 30) WEBHOOK_RETRY_HOURS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(10) WEBHOOK_BACKOFF_BASE_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(10) WEBHOOK_BACKOFF_MAX_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(60_000) WEBHOOK_TIMEOUT_MS?: number;
  /** base64 of 32 random bytes: encrypts webhook signing secrets at rest (AES-256-GCM) */
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'WEBHOOK_SECRET_KEY must be base64 of 32 bytes' })
  WEBHOOK_SECRET_KEY?: string;
  /** hosts or addresses a webhook may reach although private or loopback (a local receiver) */
  @IsOptional() @Transform(toList) @IsArray() @IsString({ each: true }) WEBHOOK_ALLOWED_HOSTS?: string[];
  /** 0 turns the anomaly detector's loop off (tests drive it by hand) */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(3_600_000) ANOMALY_DETECTOR_INTERVAL_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(60) ANOMALY_DETECTOR_LAG_MINUTES?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(12) ANOMALY_SEASONAL_WEEKS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(50) ANOMALY_OPEN_SCORE?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(60) ANOMALY_OPEN_AFTER_MINUTES?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(600) ANOMALY_RESOLVE_AFTER_MINUTES?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100_000) ANOMALY_MIN_CALLS?: number;
}

export interface AppConfig {
  env: string;
  http: { host: string; port: number };
  postgres: { url: string };
  clickhouse:
    | { mode: 'server'; url: string; username?: string; password?: string; database: string; cluster?: string }
    | { mode: 'embedded'; path: string; database: string };
  kafka: {
    brokers: string[];
    clientId: string;
    callsTopic: string;
    callsDlqTopic: string;
    teamEventsTopic: string;
    consumerGroup: string;
    topicPartitions: number;
  };
  ingest: {
    batchMaxEvents: number;
    batchMaxWaitMs: number;
    maxEventsPerRequest: number;
    maxBodyBytes: number;
    fetchMinBytes: number;
    faultWriteFailureMs: number;
    dedupByEventId: boolean;
    /** events older than this are refused at intake (`too_old`) unless an operator replays them */
    horizonDays: number;
  };
  /** currency: the one currency of every price and cost of the deployment, named on money answers */
  pricing: { creditsPerUnit: number; currency: string };
  /**
   * How far behind now a ledger cut (a period close, a repricing's `as_of`) is taken. A raw row's
   * ingested_at is stamped when the engine reads the insert and the row becomes visible when the
   * insert (raw and its views) is done, so a row stamped just before now may not be readable yet;
   * a cut this far back (default 10 s; a chunk of 5,000 events is written in well under a second)
   * holds only rows that are all visible, and everything stamped after it is after the cut.
   */
  ledger: { settleMs: number };
  /** every token the model gateway may use (`SERVICE_TOKENS` and `SERVICE_TOKEN`); empty: none */
  auth: { serviceTokens: string[] };
  /** in memory, per process: replicas share nothing (README, "HTTP trust boundary") */
  rateLimits: { authFailuresPerMinute: number; expensivePerMinute: number; exportsMaxConcurrentPerUser: number };
  health: { checkIntervalMs: number; probeTimeoutMs: number };
  metrics: { token?: string; refreshIntervalMs: number };
  /** signs list cursors; unset: a random key per process (a cursor is then refused by another replica) */
  cursors: { secret?: string };
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  runMigrations: boolean;
  /** how long a process that does not migrate waits for the schema it was built with */
  schemaWaitTimeoutMs: number;
  alerts: { evaluationIntervalMs: number };
  webhooks: {
    dispatchIntervalMs: number;
    retryWindowMs: number;
    backoffBaseMs: number;
    backoffMaxMs: number;
    timeoutMs: number;
    /** absent: webhooks cannot be created (their secrets could not be stored) */
    secretKey?: string;
    allowedHosts: string[];
  };
  anomalies: {
    /** 0: no loop */
    intervalMs: number;
    /** whole minutes a minute is left to complete (late events) before it is judged */
    lagMinutes: number;
    seasonalWeeks: number;
    openScore: number;
    openAfterMinutes: number;
    resolveAfterMinutes: number;
    minCalls: number;
  };
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
  }
}

/** The environment variables the configuration reads (used to check deploy files against it). */
export function configEnvKeys(): string[] {
  const metas = getMetadataStorage().getTargetValidationMetadatas(EnvironmentVariables, '', true, false);
  return [...new Set(metas.map((m) => m.propertyName))].sort();
}

const isSet = (value: string | undefined): value is string => value !== undefined && value !== '';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const vars = plainToInstance(EnvironmentVariables, { ...env }, { excludeExtraneousValues: false });
  const errors = validateSync(vars, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length) {
    throw new ConfigValidationError(
      errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`),
    );
  }
  if (vars.CLICKHOUSE_CLUSTER && !vars.CLICKHOUSE_URL) {
    throw new ConfigValidationError(['CLICKHOUSE_CLUSTER: a cluster is reached through a server (CLICKHOUSE_URL)']);
  }
  const database = vars.CLICKHOUSE_DATABASE ?? 'usage';
  const clickhouse: AppConfig['clickhouse'] = vars.CLICKHOUSE_URL
    ? {
        mode: 'server',
        url: vars.CLICKHOUSE_URL,
        username: vars.CLICKHOUSE_USER,
        password: vars.CLICKHOUSE_PASSWORD,
        database,
        cluster: vars.CLICKHOUSE_CLUSTER,
      }
    : {
        mode: 'embedded',
        path: path.resolve(vars.CLICKHOUSE_PATH ?? path.join(packageRoot(), '.data/clickhouse')),
        database,
      };
  const callsTopic = vars.KAFKA_CALLS_TOPIC ?? 'calls.v1';
  return {
    // production unless told: introspection, the playground and stack traces are for development only
    env: vars.NODE_ENV ?? 'production',
    http: { host: vars.HOST ?? '127.0.0.1', port: vars.PORT ?? 3000 },
    postgres: { url: vars.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/usage_analytics' },
    clickhouse,
    kafka: {
      brokers: (vars.KAFKA_BROKERS ?? '127.0.0.1:9092')
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
      clientId: vars.KAFKA_CLIENT_ID ?? 'usage-analytics',
      callsTopic,
      callsDlqTopic: `${callsTopic}.dlq`,
      teamEventsTopic: vars.KAFKA_TEAM_EVENTS_TOPIC ?? 'team-events.v1',
      consumerGroup: vars.KAFKA_CONSUMER_GROUP ?? 'usage-ingest',
      topicPartitions: vars.KAFKA_TOPIC_PARTITIONS ?? 3,
    },
    ingest: {
      batchMaxEvents: vars.INGEST_BATCH_MAX_EVENTS ?? 5000,
      batchMaxWaitMs: vars.INGEST_BATCH_MAX_WAIT_MS ?? 250,
      maxEventsPerRequest: vars.INGEST_MAX_EVENTS_PER_REQUEST ?? 5000,
      maxBodyBytes: vars.INGEST_MAX_BODY_BYTES ?? 5 * 1024 * 1024,
      fetchMinBytes: vars.INGEST_FETCH_MIN_BYTES ?? 1024 * 1024,
      faultWriteFailureMs: vars.INGEST_FAULT_WRITE_FAILURE_MS ?? 0,
      dedupByEventId: vars.INGEST_DEDUP_BY_EVENT_ID ?? true,
      horizonDays: vars.INGEST_HORIZON_DAYS ?? 35,
    },
    pricing: { creditsPerUnit: vars.CREDITS_PER_UNIT ?? 100, currency: vars.CURRENCY ?? 'USD' },
    ledger: { settleMs: vars.LEDGER_SETTLE_MS ?? 10_000 },
    auth: { serviceTokens: [...new Set([...(vars.SERVICE_TOKENS ?? []), vars.SERVICE_TOKEN].filter(isSet))] },
    rateLimits: {
      authFailuresPerMinute: vars.RATE_LIMIT_AUTH_FAILURES_PER_MINUTE ?? 20,
      expensivePerMinute: vars.RATE_LIMIT_EXPENSIVE_PER_MINUTE ?? 120,
      exportsMaxConcurrentPerUser: vars.EXPORTS_MAX_CONCURRENT_PER_USER ?? 2,
    },
    health: {
      checkIntervalMs: vars.HEALTH_CHECK_INTERVAL_MS ?? 5000,
      probeTimeoutMs: vars.HEALTH_PROBE_TIMEOUT_MS ?? 2000,
    },
    metrics: { token: vars.METRICS_TOKEN, refreshIntervalMs: vars.METRICS_REFRESH_INTERVAL_MS ?? 15_000 },
    cursors: { secret: vars.CURSOR_SECRET },
    logLevel: (vars.LOG_LEVEL as AppConfig['logLevel'] | undefined) ?? 'info',
    runMigrations: vars.RUN_MIGRATIONS ?? true,
    schemaWaitTimeoutMs: vars.SCHEMA_WAIT_TIMEOUT_MS ?? 600_000,
    alerts: { evaluationIntervalMs: vars.ALERTS_EVALUATION_INTERVAL_MS ?? 60_000 },
    webhooks: {
      dispatchIntervalMs: vars.WEBHOOK_DISPATCH_INTERVAL_MS ?? 1000,
      retryWindowMs: (vars.WEBHOOK_RETRY_HOURS ?? 24) * 3_600_000,
      backoffBaseMs: vars.WEBHOOK_BACKOFF_BASE_MS ?? 10_000,
      backoffMaxMs: vars.WEBHOOK_BACKOFF_MAX_MS ?? 3_600_000,
      timeoutMs: vars.WEBHOOK_TIMEOUT_MS ?? 10_000,
      secretKey: vars.WEBHOOK_SECRET_KEY,
      allowedHosts: (vars.WEBHOOK_ALLOWED_HOSTS ?? []).map((h) => h.toLowerCase()),
    },
    anomalies: {
      intervalMs: vars.ANOMALY_DETECTOR_INTERVAL_MS ?? 60_000,
      lagMinutes: vars.ANOMALY_DETECTOR_LAG_MINUTES ?? 1,
      seasonalWeeks: vars.ANOMALY_SEASONAL_WEEKS ?? 4,
      openScore: vars.ANOMALY_OPEN_SCORE ?? 5,
      openAfterMinutes: vars.ANOMALY_OPEN_AFTER_MINUTES ?? 2,
      resolveAfterMinutes: vars.ANOMALY_RESOLVE_AFTER_MINUTES ?? 5,
      minCalls: vars.ANOMALY_MIN_CALLS ?? 10,
    },
  };
}
