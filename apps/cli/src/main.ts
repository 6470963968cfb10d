import 'reflect-metadata';
import { AppConfig, loadConfig as readConfig } from '@app/config';
import { ClickHouseGateway, ClickHouseMigrator, quoteIdentifier, refuseClusterMigrations } from '@app/clickhouse';
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
  dlq-replay [--allow-old]
                     re-validate calls.v1.dlq and re-publish the messages that now pass;
                     --allow-old also takes events past the intake horizon (INGEST_HORIZON_DAYS),
                     restating closed periods (each shows in its statement as a DLQ replay)
  bootstrap --username NAME --email EMAIL
                     create the first platform ADMIN on an empty database and print its
                     access token (shown once)
  rebuild            replay team_events and report where the state tables differ
  clickhouse-reset --yes
                     drop the ClickHouse database (every table, view and row) and apply the
                     migrations again: for a development database from before the 0001-0099 squash
  sql                retired: ad hoc SQL goes through the running service (POST /v1/sql or the
                     \`sql\` GraphQL query), which checks, scopes, limits and audits it
`;

async function migrate(): Promise<void> {
  const config = loadConfig();
  refuseClusterMigrations(config.clickhouse);
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

async function dlqReplay(...args: string[]): Promise<void> {
  const config = loadConfig();
  const kafka = createKafka(config.kafka, '-dlq-replay');
  const producer = new IdempotentProducer(kafka);
  try {
    const report = await new DlqReplayCommand(
      kafka,
      config,
      producer,
      (r) => process.stderr.write(`\rread ${r.read}, replayed ${r.replayed}`),
      { allowOld: args.includes('--allow-old') },
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

async function clickhouseReset(...args: string[]): Promise<void> {
  if (!args.includes('--yes')) throw new Error('clickhouse-reset drops every ClickHouse table and row: pass --yes');
  const config = loadConfig();
  const clickhouse = await ClickHouseGateway.connect(config.clickhouse);
  try {
    await clickhouse.command(`DROP DATABASE IF EXISTS ${quoteIdentifier(config.clickhouse.database)}`);
  } finally {
    await clickhouse.close();
  }
  // a fresh connection creates the database again, and the migrations fill it
  const fresh = await ClickHouseGateway.connect(config.clickhouse);
  try {
    const { applied } = await new ClickHouseMigrator(fresh).migrate();
    console.log(`clickhouse ${config.clickhouse.database}: dropped and migrated (${applied.join(', ')})`);
  } finally {
    await fresh.close();
  }
}

// a regex could not tell a read from a write, and the embedded engine allows one process per data
// directory, so the service's own checked and audited path replaced this command
function sql(): Promise<void> {
  return Promise.reject(
    new Error('sql is retired: use POST /v1/sql or the `sql` GraphQL query of the running service'),
  );
}

const COMMANDS: Record<string, (...args: string[]) => Promise<void>> = {
  migrate,
  bootstrap,
  rebuild,
  'dlq-replay': dlqReplay,
  sql,
  'clickhouse-reset': clickhouseReset,
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
