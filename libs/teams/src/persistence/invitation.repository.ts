import type { TeamRole } from './membership.repository';
import type { Queryable, UpdateResult } from './postgres';

export type InvitationStatus = 'PENDING' | 'ACCEPTED' | 'REVOKED';

export interface InvitationRow {
  id: string;
  team_id: string;
  invitee_user_id: string | null;
  invitee_email: string | null;
  role: Exclude<TeamRole, 'OWNER'>;
  token_hash: string;
  status: InvitationStatus;
  expires_at: Date;
  invited_by: string;
  accepted_by: string | null;
  created_at: Date;
}

export interface NewInvitation {
  teamId: string;
  inviteeUserId: string | null;
  inviteeEmail: string | null;
  role: InvitationRow['role'];
  tokenHash: string;
  expiresAt: Date;
  invitedBy: string;
}

export class InvitationRepository {
  constructor(private readonly db: Queryable) {}

  async insert(i: NewInvitation): Promise<InvitationRow> {
    const [row] = await this.db.query<InvitationRow[]>(
      `INSERT INTO invitations (team_id, invitee_user_id, invitee_email, role, token_hash, expires_at, invited_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [i.teamId, i.inviteeUserId, i.inviteeEmail, i.role, i.tokenHash, i.expiresAt, i.invitedBy],
    );
    return row;
  }

  async byId(id: string): Promise<InvitationRow | undefined> {
    const [row] = await this.db.query<InvitationRow[]>('SELECT * FROM invitations WHERE id = $1', [id]);
    return row;
  }

  async byTokenHash(tokenHash: string): Promise<InvitationRow | undefined> {
    const [row] = await this.db.query<InvitationRow[]>('SELECT * FROM invitations WHERE token_hash = $1', [tokenHash]);
    return row;
  }

  async accept(id: string, userId: string): Promise<void> {
    await this.db.query(`UPDATE invitations SET status = 'ACCEPTED', accepted_by = $2 WHERE id = $1`, [id, userId]);
  }

  async revoke(id: string): Promise<InvitationRow> {
    const [rows] = await this.db.query<UpdateResult<InvitationRow>>(
      `UPDATE invitations SET status = 'REVOKED' WHERE id = $1 RETURNING *`,
      [id],
    );
    return rows[0];
  }

  /** Each team's invitations, newest first. */
  ofTeams(teamIds: readonly string[]): Promise<InvitationRow[]> {
    return this.db.query<InvitationRow[]>(
      'SELECT * FROM invitations WHERE team_id = ANY($1::uuid[]) ORDER BY created_at DESC',
      [teamIds],
    );
  }
}
