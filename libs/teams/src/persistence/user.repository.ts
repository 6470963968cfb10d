import type { PlatformRole } from '@app/auth';
import type { Queryable } from './postgres';

export interface UserRow {
  id: string;
  username: string;
  email: string;
  platform_roles: PlatformRole[];
  created_at: Date;
}

const COLUMNS = 'id, username, email, platform_roles, created_at';

export class UserRepository {
  constructor(private readonly db: Queryable) {}

  async insert(username: string, email: string, platformRoles: readonly string[]): Promise<UserRow> {
    const [user] = await this.db.query<UserRow[]>(
      `INSERT INTO users (username, email, platform_roles) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
      [username, email, platformRoles],
    );
    return user;
  }

  async count(): Promise<number> {
    const [{ count }] = await this.db.query<Array<{ count: number }>>('SELECT count(*)::int AS count FROM users');
    return count;
  }

  async byId(id: string): Promise<UserRow | undefined> {
    const [user] = await this.db.query<UserRow[]>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
    return user;
  }

  byIds(ids: readonly string[]): Promise<UserRow[]> {
    return this.db.query<UserRow[]>(`SELECT ${COLUMNS} FROM users WHERE id = ANY($1::uuid[])`, [ids]);
  }

  /** By lower-cased address. */
  byEmails(emails: readonly string[]): Promise<UserRow[]> {
    return this.db.query<UserRow[]>(`SELECT ${COLUMNS} FROM users WHERE lower(email) = ANY($1::text[])`, [emails]);
  }

  async byUsernameOrEmail(usernameOrEmail: string): Promise<UserRow | undefined> {
    const [user] = await this.db.query<UserRow[]>(
      `SELECT ${COLUMNS} FROM users WHERE lower(username) = lower($1) OR lower(email) = lower($1)`,
      [usernameOrEmail],
    );
    return user;
  }
}
