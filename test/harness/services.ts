import { execFileSync, spawnSync } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { Client } from 'pg';

export const REPO_ROOT = path.resolve(__dirname, '../..');

export interface ResolvedServices {
  kafkaBrokers: string;
  databaseUrl: string;
  clickhouseUrl?: string;
  /** what was started here and must be stopped at the end */
  started: Array<'kafka-script' | 'containers'>;
  sources: Record<'kafka' | 'postgres' | 'clickhouse', string>;
}

export function portAnswers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function dockerAnswers(): boolean {
  if (process.env.TESTCONTAINERS_DISABLED === '1') return false;
  const result = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5000, encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim().length > 0;
}

async function postgresAnswers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const HOW_TO_GET_KAFKA =
  'No Kafka broker for the integration tests. Either set KAFKA_BROKERS=host:port, run a Docker engine ' +
  '(testcontainers starts one), or start the local broker with `bash scripts/kafka.sh start` ' +
  '(needs Java 17 and Maven; it fetches Apache Kafka 3.9 from Maven Central).';

/**
 * Services for integration tests, in this order: environment variables, then testcontainers
 * when a Docker engine answers, then the local launchers (the project's Kafka script, the
 * machine's Postgres, the embedded ClickHouse engine). Never a silent skip.
 */
export async function resolveServices(): Promise<ResolvedServices> {
  const started: ResolvedServices['started'] = [];
  const sources = {} as ResolvedServices['sources'];
  const docker = !process.env.KAFKA_BROKERS || !process.env.DATABASE_URL ? dockerAnswers() : false;

  let kafkaBrokers = process.env.KAFKA_BROKERS;
  let databaseUrl = process.env.DATABASE_URL;
  let clickhouseUrl = process.env.CLICKHOUSE_URL;
  if (kafkaBrokers) sources.kafka = 'KAFKA_BROKERS';
  if (databaseUrl) sources.postgres = 'DATABASE_URL';
  if (clickhouseUrl) sources.clickhouse = 'CLICKHOUSE_URL';

  if (docker && (!kafkaBrokers || !databaseUrl)) {
    const containers = await import('./containers');
    const up = await containers.startContainers({
      kafka: !kafkaBrokers,
      postgres: !databaseUrl,
      clickhouse: !clickhouseUrl,
    });
    kafkaBrokers ??= up.kafkaBrokers;
    databaseUrl ??= up.databaseUrl;
    clickhouseUrl ??= up.clickhouseUrl;
    started.push('containers');
    sources.kafka ??= 'testcontainers';
    sources.postgres ??= 'testcontainers';
    if (up.clickhouseUrl) sources.clickhouse ??= 'testcontainers';
  }

  if (!kafkaBrokers) {
    const port = Number(process.env.KAFKA_PORT ?? 9092);
    if (!(await portAnswers('127.0.0.1', port))) {
      try {
        execFileSync('bash', [path.join(REPO_ROOT, 'scripts/kafka.sh'), 'start'], { stdio: 'inherit' });
        started.push('kafka-script');
      } catch (error) {
        throw new Error(`${HOW_TO_GET_KAFKA}\nThe local launcher failed: ${(error as Error).message}`);
      }
    }
    kafkaBrokers = `127.0.0.1:${port}`;
    sources.kafka = started.includes('kafka-script')
      ? 'scripts/kafka.sh (started)'
      : 'scripts/kafka.sh (already running)';
  }
  if (!(await brokerAnswers(kafkaBrokers))) throw new Error(`${HOW_TO_GET_KAFKA}\nNothing answers at ${kafkaBrokers}.`);

  if (!databaseUrl) {
    databaseUrl = 'postgres://postgres@127.0.0.1:5432/postgres';
    sources.postgres = 'machine Postgres 127.0.0.1:5432';
  }
  if (!(await postgresAnswers(databaseUrl))) {
    throw new Error(
      `No Postgres for the integration tests at ${redact(databaseUrl)}. Set DATABASE_URL, run a Docker engine, ` +
        'or start the machine server (pg_ctlcluster <version> main start).',
    );
  }
  sources.clickhouse ??= 'embedded chdb engine';
  return { kafkaBrokers, databaseUrl, clickhouseUrl, started, sources };
}

async function brokerAnswers(brokers: string): Promise<boolean> {
  const [host, port] = brokers.split(',')[0].split(':');
  return portAnswers(host, Number(port), 3000);
}

export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}
