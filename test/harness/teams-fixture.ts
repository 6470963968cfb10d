import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@app/config';
import { ClickHouseGateway, ClickHouseMigrator } from '@app/clickhouse';
import { ensureDatabase, openDataSource } from '@app/database';
import { ModelPrice } from '@app/pricing';
import {
  AcceptInvitation,
  AcceptInvitationCommand,
  AssignSeat,
  AssignSeatCommand,
  buildCommand,
  ChangeRole,
  ChangeRoleCommand,
  CreateApiKey,
  CreateApiKeyCommand,
  CreatePlan,
  CreatePlanCommand,
  CreateTeam,
  CreateTeamCommand,
  CreateUser,
  CreateUserCommand,
  DeleteQuota,
  DeleteQuotaCommand,
  InviteMember,
  InviteMemberCommand,
  KeyBudgets,
  KeyStateCache,
  KeyStateChanges,
  KeyVerificationService,
  LeaveTeam,
  LeaveTeamCommand,
  PostgresTeamTransactions,
  QuotaUseReader,
  UsageTally,
  ReclaimSeat,
  ReclaimSeatCommand,
  RemoveMember,
  RemoveMemberCommand,
  RenewPlan,
  RenewPlanCommand,
  ResumeApiKey,
  ResumeApiKeyCommand,
  RevokeApiKey,
  RevokeApiKeyCommand,
  RevokeInvitation,
  RevokeInvitationCommand,
  SetQuota,
  SetQuotaCommand,
  SuspendApiKey,
  SuspendApiKeyCommand,
  TeamTransactions,
  TransferOwnership,
  TransferOwnershipCommand,
} from '@app/teams';
import { dropDatabase, isolatedConfig } from './test-env';

/** A use case called the way the tests call commands: input built (and validated) into its command, and the actor. */
function command<C extends object, R>(
  type: new () => C,
  useCase: { execute(command: C, actorId: string): Promise<R> },
) {
  return (input: object, actorId: string): Promise<R> => useCase.execute(buildCommand(type, input), actorId);
}

/** Every team command, by name, over one transaction runner. */
function teamCommands(transactions: TeamTransactions) {
  return {
    createTeam: command(CreateTeamCommand, new CreateTeam(transactions)),
    inviteMember: command(InviteMemberCommand, new InviteMember(transactions)),
    acceptInvitation: command(AcceptInvitationCommand, new AcceptInvitation(transactions)),
    revokeInvitation: command(RevokeInvitationCommand, new RevokeInvitation(transactions)),
    changeRole: command(ChangeRoleCommand, new ChangeRole(transactions)),
    transferOwnership: command(TransferOwnershipCommand, new TransferOwnership(transactions)),
    leaveTeam: command(LeaveTeamCommand, new LeaveTeam(transactions)),
    removeMember: command(RemoveMemberCommand, new RemoveMember(transactions)),
    createPlan: command(CreatePlanCommand, new CreatePlan(transactions)),
    assignSeat: command(AssignSeatCommand, new AssignSeat(transactions)),
    reclaimSeat: command(ReclaimSeatCommand, new ReclaimSeat(transactions)),
    createApiKey: command(CreateApiKeyCommand, new CreateApiKey(transactions)),
    revokeApiKey: command(RevokeApiKeyCommand, new RevokeApiKey(transactions)),
    setQuota: command(SetQuotaCommand, new SetQuota(transactions)),
    suspendApiKey: command(SuspendApiKeyCommand, new SuspendApiKey(transactions)),
    resumeApiKey: command(ResumeApiKeyCommand, new ResumeApiKey(transactions)),
    renewPlan: command(RenewPlanCommand, new RenewPlan(transactions)),
    deleteQuota: command(DeleteQuotaCommand, new DeleteQuota(transactions)),
  };
}

/** The team services on a fresh Postgres database (and ClickHouse database, for key verification). */
export class TeamsFixture {
  config: AppConfig;
  postgres: DataSource;
  clickhouse: ClickHouseGateway;
  lifecycle: ReturnType<typeof teamCommands>;
  createUser: CreateUser;
  /** key verification, asked only once every change committed before the call is applied (see start) */
  verification: Pick<KeyVerificationService, 'verify'>;
  keyState: KeyStateCache;

  static async start(name: string): Promise<TeamsFixture> {
    const f = new TeamsFixture();
    f.config = isolatedConfig(name);
    await ensureDatabase(f.config.postgres.url);
    f.postgres = await openDataSource(f.config.postgres, [ModelPrice]);
    f.clickhouse = await ClickHouseGateway.connect(f.config.clickhouse);
    await new ClickHouseMigrator(f.clickhouse).migrate();
    const changes = new KeyStateChanges();
    const transactions = new PostgresTeamTransactions(f.postgres, f.config, changes);
    f.lifecycle = teamCommands(transactions);
    f.createUser = new CreateUser(transactions);
    f.keyState = new KeyStateCache(f.postgres, f.config, changes);
    await f.keyState.start();
    const verification = new KeyVerificationService(
      f.keyState,
      new UsageTally(
        // no stream here: the seeds alone
        { committed: () => Promise.resolve(null), stored: () => Promise.resolve([]) },
        { reseedMs: 30_000, idleMs: 600_000, shortSeedRetryMs: 1_000 },
      ),
      new QuotaUseReader(f.clickhouse),
      new KeyBudgets(),
    );
    // the specs change keys and plans with plain SQL too, then verify at once: the service takes
    // such a change within milliseconds (its notification); the fixture waits for it
    f.verification = {
      verify: async (secret, now) => {
        await f.keyState.caughtUp();
        return verification.verify(secret, now);
      },
    };
    return f;
  }

  async stop(): Promise<void> {
    await this.keyState?.beforeApplicationShutdown();
    await this.clickhouse?.command(`DROP DATABASE IF EXISTS ${this.clickhouse.database}`);
    await this.clickhouse?.close();
    await this.postgres?.destroy();
    if (this.config) await dropDatabase(this.config);
  }

  async user(prefix = 'u'): Promise<string> {
    const username = `${prefix}_${randomBytes(4).toString('hex')}`;
    const { user } = await this.createUser.execute(
      buildCommand(CreateUserCommand, { username, email: `${username}@example.com`, platformRoles: [] }),
    );
    return user.id;
  }

  /** A team with an owner and the given extra members (role per member). */
  async team(roles: Array<'ADMIN' | 'MEMBER'> = []): Promise<{ teamId: string; owner: string; members: string[] }> {
    const owner = await this.user('owner');
    const team = await this.lifecycle.createTeam({ name: `team ${randomBytes(3).toString('hex')}` }, owner);
    const members: string[] = [];
    for (const role of roles) {
      const id = await this.user(role.toLowerCase());
      const inv = await this.lifecycle.inviteMember(
        { teamId: team.id, usernameOrEmail: (await this.username(id))!, role },
        owner,
      );
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
    const tables = [
      'users',
      'teams',
      'memberships',
      'invitations',
      'plans',
      'seats',
      'api_keys',
      'quotas',
      'team_events',
      'outbox',
      'model_prices',
    ];
    const out: Record<string, number> = {};
    for (const t of tables) out[t] = (await this.postgres.query(`SELECT count(*)::int AS n FROM ${t}`))[0].n;
    out.state =
      (
        await this.postgres.query(
          `SELECT md5(string_agg(m::text, ',' ORDER BY m::text)) AS h
           FROM (SELECT team_id, user_id, role FROM memberships) m`,
        )
      )[0].h?.length ?? 0;
    return out;
  }
}
