import 'reflect-metadata';
import { AppConfig, loadConfig as readConfig } from '@app/config';
import { ClickHouseGateway, ClickHouseMigrator } from '@app/clickhouse';
import { ensureDatabase, openDataSource } from '@app/database';
import { DlqReplayCommand } from '@app/ingest';
import { createKafka, IdempotentProducer } from '@app/kafka';
import { logger } from '@app/observability';
import { ModelPrice } from '@app/pricing';
import { Bootstrap, buildCommand, CreateUserCommand, PostgresTeamTransactions, rebuildAndCompare } from '@app/teams';

/** The configuration, with the log level it names applied to what the commands log (Kafka, retries). */
function loadConfig(): AppConfig {
  const config = readConfig();
  logger.setLevel(config.logLevel);
  return config;
}

const HELP = `usage: npm run cli -- <command> [args]

commands:
  migrate            apply pending ClickHouse and Postgres migrations, then exit
  dlq-replay         re-validate calls.v1.dlq and re-publish the messages that now pass
  bootstrap --username NAME --email EMAIL
                     create the first platform ADMIN on an empty database and print its
                     access token (shown once)
  rebuild            replay team_events and report where the state tables differ
  sql "<SELECT …>"   run a read-only query on ClickHouse and print JSON rows (for the
                     embedded engine, run it while the service is stopped: one process per data dir)
`;

async function migrate(): Promise<void> {
  const config = loadConfig();
  const clickhouse = await ClickHouseGateway.connect(config.clickhouse);
  try {
    const { applied } = await new ClickHouseMigrator(clickhouse).migrate();
    console.log(`clickhouse: ${applied.length ? applied.join(', ') : 'up to date'}`);
  } finally {
    await clickhouse.close();
  }
  await ensureDatabase(config.postgres.url);
  const pg = await openDataSource(config.postgres, [ModelPrice], false);
  try {
    const applied = await pg.runMigrations({ transaction: 'each' });
    console.log(`postgres: ${applied.length ? applied.map((m) => m.name).join(', ') : 'up to date'}`);
  } finally {
    await pg.destroy();
  }
}

async function dlqReplay(): Promise<void> {
  const config = loadConfig();
  const kafka = createKafka(config.kafka, '-dlq-replay');
  const producer = new IdempotentProducer(kafka);
  try {
    const report = await new DlqReplayCommand(kafka, config, producer, (r) =>
      process.stderr.write(`\rread ${r.read}, replayed ${r.replayed}`),
    ).execute();
    process.stderr.write('\n');
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await producer.disconnect();
  }
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

type PostgresWork<T> = (pg: Awaited<ReturnType<typeof openDataSource>>, config: AppConfig) => Promise<T>;

async function withPostgres<T>(work: PostgresWork<T>): Promise<T> {
  const config = loadConfig();
  await ensureDatabase(config.postgres.url);
  const pg = await openDataSource(config.postgres, [ModelPrice]);
  try {
    return await work(pg, config);
  } finally {
    await pg.destroy();
  }
}

async function bootstrap(...args: string[]): Promise<void> {
  const command = buildCommand(CreateUserCommand, {
    username: option(args, 'username') ?? 'admin',
    email: option(args, 'email') ?? 'admin@localhost.localdomain',
    platformRoles: ['ADMIN'],
  });
  const { user, accessToken } = await withPostgres((pg, config) =>
    new Bootstrap(new PostgresTeamTransactions(pg, config)).execute(command),
  );
  console.log(`created platform ADMIN ${user.username} (${user.id})`);
  console.log(`access token (shown once, store it now): ${accessToken}`);
}

async function rebuild(): Promise<void> {
  const report = await withPostgres((pg) => rebuildAndCompare(pg));
  console.log(
    `replayed ${report.events} team events: ` +
      (report.differences.length ? `${report.differences.length} differences` : 'state tables equal the replay'),
  );
  for (const d of report.differences) console.log(`  ${d}`);
  if (report.differences.length) process.exitCode = 3;
}

const READ_ONLY = /^\s*(SELECT|WITH|SHOW|DESCRIBE|DESC|EXPLAIN)\b/i;

async function sql(query?: string): Promise<void> {
  if (!query || !READ_ONLY.test(query))
    throw new Error('sql takes one read-only statement (SELECT, WITH, SHOW, DESCRIBE, EXPLAIN)');
  const config = loadConfig();
  const clickhouse = await ClickHouseGateway.connect(config.clickhouse);
  try {
    for (const row of await clickhouse.query(query)) console.log(JSON.stringify(row));
  } finally {
    await clickhouse.close();
  }
}

const COMMANDS: Record<string, (...args: string[]) => Promise<void>> = {
  migrate,
  bootstrap,
  rebuild,
  'dlq-replay': dlqReplay,
  sql,
};

async function main(argv: string[]): Promise<void> {
  const [name, ...args] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    process.stdout.write(HELP);
    process.exitCode = name ? 2 : 0;
    return;
  }
  await command(...args);
}

main(process.argv.slice(2)).catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
