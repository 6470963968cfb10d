import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@app/config';
import { ClickHouseGateway, ClickHouseMigrator } from '@app/clickhouse';
import { ensureDatabase, openDataSource } from '@app/database';
import { ModelPrice } from '@app/pricing';
import { buildCommand, CreateUserCommand, KeyVerificationService, QuotaUseReader, TeamLifecycleService, UsersService } from '@app/teams';
import { dropDatabase, isolatedConfig } from './test-env';

/** The team services on a fresh Postgres database (and ClickHouse database, for key verification). */
export class TeamsFixture {
  config: AppConfig;
  postgres: DataSource;
  clickhouse: ClickHouseGateway;
  lifecycle: TeamLifecycleService;
  users: UsersService;
  verification: KeyVerificationService;

  static async start(name: string): Promise<TeamsFixture> {
    const f = new TeamsFixture();
    f.config = isolatedConfig(name);
    await ensureDatabase(f.config.postgres.url);
    f.postgres = await openDataSource(f.config.postgres, [ModelPrice]);
    f.clickhouse = await ClickHouseGateway.connect(f.config.clickhouse);
    await new ClickHouseMigrator(f.clickhouse).migrate();
    f.lifecycle = new TeamLifecycleService(f.postgres, f.config);
    f.users = new UsersService(f.postgres);
    f.verification = new KeyVerificationService(f.postgres, new QuotaUseReader(f.clickhouse));
    return f;
  }

  async stop(): Promise<void> {
    await this.clickhouse?.command(`DROP DATABASE IF EXISTS ${this.clickhouse.database}`);
    await this.clickhouse?.close();
    await this.postgres?.destroy();
    if (this.config) await dropDatabase(this.config);
  }

  async user(prefix = 'u'): Promise<string> {
    const username = `${prefix}_${randomBytes(4).toString('hex')}`;
    const { user } = await this.users.createUser(buildCommand(CreateUserCommand, { username, email: `${username}@example.com`, platformRoles: [] }));
    return user.id;
  }

  /** A team with an owner and the given extra members (role per member). */
  async team(roles: Array<'ADMIN' | 'MEMBER'> = []): Promise<{ teamId: string; owner: string; members: string[] }> {
    const owner = await this.user('owner');
    const team = await this.lifecycle.createTeam({ name: `team ${randomBytes(3).toString('hex')}` }, owner);
    const members: string[] = [];
    for (const role of roles) {
      const id = await this.user(role.toLowerCase());
      const inv = await this.lifecycle.inviteMember({ teamId: team.id, usernameOrEmail: (await this.username(id))!, role }, owner);
      await this.lifecycle.acceptInvitation({ token: inv.token }, id);
      members.push(id);
    }
    return { teamId: team.id, owner, members };
  }

  async username(id: string): Promise<string | undefined> {
    const [row] = await this.postgres.query('SELECT username FROM users WHERE id = $1', [id]);
    return row?.username;
  }

  async roles(teamId: string): Promise<Record<string, string>> {
    const rows = await this.postgres.query('SELECT user_id, role FROM memberships WHERE team_id = $1', [teamId]);
    return Object.fromEntries(rows.map((r: { user_id: string; role: string }) => [r.user_id, r.role]));
  }

  /** Row counts of every state table and team_events: to prove a refused command wrote nothing. */
  async snapshot(): Promise<Record<string, number>> {
    const tables = ['users', 'teams', 'memberships', 'invitations', 'plans', 'seats', 'api_keys', 'quotas', 'team_events', 'outbox', 'model_prices'];
    const out: Record<string, number> = {};
    for (const t of tables) out[t] = (await this.postgres.query(`SELECT count(*)::int AS n FROM ${t}`))[0].n;
    out.state = (await this.postgres.query(`SELECT md5(string_agg(m::text, ',' ORDER BY m::text)) AS h FROM (SELECT team_id, user_id, role FROM memberships) m`))[0].h?.length ?? 0;
    return out;
  }
}
