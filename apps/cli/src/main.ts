import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { ClickHouseGateway, ClickHouseMigrator } from '@app/clickhouse';
import { ensureDatabase, openDataSource } from '@app/database';

const HELP = `usage: npm run cli -- <command>

commands:
  migrate     apply pending ClickHouse and Postgres migrations, then exit
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
  const pg = await openDataSource(config.postgres, [], false);
  try {
    const applied = await pg.runMigrations({ transaction: 'each' });
    console.log(`postgres: ${applied.length ? applied.map((m) => m.name).join(', ') : 'up to date'}`);
  } finally {
    await pg.destroy();
  }
}

const COMMANDS: Record<string, () => Promise<void>> = { migrate };

async function main(argv: string[]): Promise<void> {
  const [name] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    process.stdout.write(HELP);
    process.exitCode = name ? 2 : 0;
    return;
  }
  await command();
}

main(process.argv.slice(2)).catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
