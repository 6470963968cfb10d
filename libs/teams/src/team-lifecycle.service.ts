import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ForbiddenError, newSecret, sha256 } from '@app/auth';
import { ConflictError, NotFoundError } from '@app/errors';
import {
  AcceptInvitationCommand,
  AssignSeatCommand,
  ChangeRoleCommand,
  CreateApiKeyCommand,
  CreatePlanCommand,
  CreateTeamCommand,
  InviteMemberCommand,
  LeaveTeamCommand,
  ReclaimSeatCommand,
  RemoveMemberCommand,
  RevokeApiKeyCommand,
  RevokeInvitationCommand,
  SetQuotaCommand,
  TransferOwnershipCommand,
} from './commands';
import { appendTeamEvent, TeamEventType } from './team-event-store';

export type TeamRole = 'OWNER' | 'ADMIN' | 'MEMBER';
export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

export interface TeamRow {
  id: string;
  name: string;
  created_by: string;
  created_at: Date;
}

interface Tx {
  manager: EntityManager;
  team: TeamRow;
  actorRole: TeamRole | null;
  emit(type: TeamEventType, payload: Record<string, unknown>): Promise<void>;
}

const PG_UNIQUE_VIOLATION = '23505';

/** TypeORM answers an UPDATE with [rows, count]; this returns the one updated row, if any. */
async function updateOne(manager: EntityManager, sql: string, params: unknown[]) {
  const [rows] = await manager.query(sql, params);
  return rows[0];
}

/**
 * Every team lifecycle command: one transaction that locks the team row (so commands on one
 * team are serialized and their checks cannot race), checks the rule, updates the state
 * tables and appends the domain event to team_events and the outbox.
 */
@Injectable()
export class TeamLifecycleService {
  constructor(
    @InjectDataSource() private readonly postgres: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private async inTeam<T>(teamId: string, actorId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      return await this.postgres.transaction(async (manager) => {
        const [team] = await manager.query('SELECT id, name, created_by, created_at FROM teams WHERE id = $1 FOR UPDATE', [teamId]);
        if (!team) throw new NotFoundError(`team ${teamId} does not exist`);
        const [membership] = await manager.query('SELECT role FROM memberships WHERE team_id = $1 AND user_id = $2', [teamId, actorId]);
        const tx: Tx = {
          manager,
          team,
          actorRole: membership?.role ?? null,
          emit: async (type, payload) => {
            await appendTeamEvent(manager, this.config.kafka.teamEventsTopic, teamId, type, actorId, payload);
          },
        };
        return work(tx);
      });
    } catch (error) {
      if ((error as { code?: string }).code === PG_UNIQUE_VIOLATION) {
        throw new ConflictError(`conflicts with existing data (${(error as { constraint?: string }).constraint ?? 'unique constraint'})`);
      }
      throw error;
    }
  }

  private requireRole(tx: Tx, allowed: TeamRole[], what: string): void {
    if (!tx.actorRole) throw new ForbiddenError(`you are not a member of team ${tx.team.id}`);
    if (!allowed.includes(tx.actorRole)) throw new ForbiddenError(`${what} needs the role ${allowed.join(' or ')}; you are ${tx.actorRole}`);
  }

  private async roleOf(tx: Tx, userId: string): Promise<TeamRole | null> {
    const [row] = await tx.manager.query('SELECT role FROM memberships WHERE team_id = $1 AND user_id = $2', [tx.team.id, userId]);
    return row?.role ?? null;
  }

  /** Leaving or removal: the seat returns to unassigned and the member's team keys stop at once. */
  private async releaseMember(tx: Tx, userId: string, reason: string): Promise<void> {
    await tx.manager.query('DELETE FROM memberships WHERE team_id = $1 AND user_id = $2', [tx.team.id, userId]);
    await tx.manager.query('UPDATE seats SET user_id = NULL, assigned_at = NULL WHERE team_id = $1 AND user_id = $2', [tx.team.id, userId]);
    await tx.manager.query(
      `UPDATE api_keys SET status = 'REVOKED', revoked_reason = $3 WHERE team_id = $1 AND user_id = $2 AND status = 'ACTIVE'`,
      [tx.team.id, userId, reason],
    );
  }

  async createTeam(cmd: CreateTeamCommand, actorId: string): Promise<TeamRow> {
    const name = cmd.name.trim();
    try {
      return await this.postgres.transaction(async (manager) => {
        const [team] = await manager.query('INSERT INTO teams (name, created_by) VALUES ($1, $2) RETURNING id, name, created_by, created_at', [name, actorId]);
        await manager.query(`INSERT INTO memberships (team_id, user_id, role) VALUES ($1, $2, 'OWNER')`, [team.id, actorId]);
        await appendTeamEvent(manager, this.config.kafka.teamEventsTopic, team.id, 'TeamCreated', actorId, { name, ownerId: actorId });
        return team;
      });
    } catch (error) {
      if ((error as { code?: string }).code === PG_UNIQUE_VIOLATION) throw new ConflictError(`you already created a team named ${JSON.stringify(name)}`);
      throw error;
    }
  }

  async inviteMember(cmd: InviteMemberCommand, actorId: string) {
    return this.inTeam(cmd.teamId, actorId, async (tx) => {
      this.requireRole(tx, ['OWNER', 'ADMIN'], 'inviting');
      if (cmd.role === 'ADMIN' && tx.actorRole !== 'OWNER') throw new ForbiddenError('only the Owner invites Admins');
      const [user] = await tx.manager.query('SELECT id, email FROM users WHERE lower(username) = lower($1) OR lower(email) = lower($1)', [cmd.usernameOrEmail]);
      if (!user && !cmd.usernameOrEmail.includes('@')) throw new NotFoundError(`no user named ${JSON.stringify(cmd.usernameOrEmail)}`);
      if (user && (await this.roleOf(tx, user.id))) throw new ConflictError('that user is already a member of the team');
      const token = newSecret('inv');
      const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
      const [invitation] = await tx.manager.query(
        `INSERT INTO invitations (team_id, invitee_user_id, invitee_email, role, token_hash, expires_at, invited_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
        [tx.team.id, user?.id ?? null, user ? null : cmd.usernameOrEmail.toLowerCase(), cmd.role, sha256(token), expiresAt, actorId],
      );
      await tx.emit('MemberInvited', { invitationId: invitation.id, inviteeUserId: user?.id ?? null, role: cmd.role, expiresAt: expiresAt.toISOString() });
      return { ...invitation, token };
    });
  }

  async acceptInvitation(cmd: AcceptInvitationCommand, actorId: string) {
    const [found] = await this.postgres.query('SELECT team_id FROM invitations WHERE token_hash = $1', [sha256(cmd.token)]);
    if (!found) throw new NotFoundError('no invitation with that token');
    return this.inTeam(found.team_id, actorId, async (tx) => {
      const [invitation] = await tx.manager.query('SELECT * FROM invitations WHERE token_hash = $1', [sha256(cmd.token)]);
      const [actor] = await tx.manager.query('SELECT id, email FROM users WHERE id = $1', [actorId]);
      const addressedToActor = invitation.invitee_user_id ? invitation.invitee_user_id === actorId : invitation.invitee_email === actor.email.toLowerCase();
      if (!addressedToActor) throw new ForbiddenError('this invitation is addressed to someone else');
      if (invitation.status === 'ACCEPTED') {
        const [membership] = await tx.manager.query('SELECT * FROM memberships WHERE team_id = $1 AND user_id = $2', [tx.team.id, actorId]);
        if (membership) return membership;
        throw new ConflictError('this invitation was already accepted');
      }
      if (invitation.status === 'REVOKED') throw new ConflictError('this invitation was revoked; ask for a new one');
      if (new Date(invitation.expires_at).getTime() <= Date.now()) throw new ConflictError('this invitation expired; ask for a new one');
      if (tx.actorRole) throw new ConflictError('you are already a member of the team');
      await tx.manager.query(`UPDATE invitations SET status = 'ACCEPTED', accepted_by = $2 WHERE id = $1`, [invitation.id, actorId]);
      const [membership] = await tx.manager.query('INSERT INTO memberships (team_id, user_id, role) VALUES ($1, $2, $3) RETURNING *', [tx.team.id, actorId, invitation.role]);
      await tx.emit('InvitationAccepted', { invitationId: invitation.id, userId: actorId, role: invitation.role });
      return membership;
    });
  }

  async revokeInvitation(cmd: RevokeInvitationCommand, actorId: string) {
    const [found] = await this.postgres.query('SELECT team_id FROM invitations WHERE id = $1', [cmd.invitationId]);
    if (!found) throw new NotFoundError(`invitation ${cmd.invitationId} does not exist`);
    return this.inTeam(found.team_id, actorId, async (tx) => {
      this.requireRole(tx, ['OWNER', 'ADMIN'], 'revoking invitations');
      const [invitation] = await tx.manager.query('SELECT * FROM invitations WHERE id = $1', [cmd.invitationId]);
      if (invitation.status !== 'PENDING') throw new ConflictError(`the invitation is ${invitation.status.toLowerCase()}, not pending`);
      const revoked = await updateOne(tx.manager, `UPDATE invitations SET status = 'REVOKED' WHERE id = $1 RETURNING *`, [invitation.id]);
      await tx.emit('InvitationRevoked', { invitationId: invitation.id });
      return revoked;
    });
  }

  async changeRole(cmd: ChangeRoleCommand, actorId: string) {
    return this.inTeam(cmd.teamId, actorId, async (tx) => {
      this.requireRole(tx, ['OWNER', 'ADMIN'], 'changing roles');
      const current = await this.roleOf(tx, cmd.userId);
      if (!current) throw new NotFoundError('that user is not a member of the team');
      if (current === 'OWNER') throw new ConflictError("the Owner's role changes only by transferring ownership");
      if (tx.actorRole === 'ADMIN' && (current === 'ADMIN' || cmd.role === 'ADMIN')) throw new ForbiddenError('only the Owner promotes or demotes Admins');
      if (current === cmd.role) return this.membership(tx.manager, tx.team.id, cmd.userId);
      await tx.manager.query('UPDATE memberships SET role = $3 WHERE team_id = $1 AND user_id = $2', [tx.team.id, cmd.userId, cmd.role]);
      await tx.emit('RoleChanged', { userId: cmd.userId, from: current, to: cmd.role });
      return this.membership(tx.manager, tx.team.id, cmd.userId);
    });
  }

  async transferOwnership(cmd: TransferOwnershipCommand, actorId: string): Promise<TeamRow> {
    return this.inTeam(cmd.teamId, actorId, async (tx) => {
      this.requireRole(tx, ['OWNER'], 'transferring ownership');
      const target = await this.roleOf(tx, cmd.toUserId);
      if (target !== 'ADMIN') throw new ConflictError('ownership goes only to an existing Admin of the team');
      await tx.manager.query(`UPDATE memberships SET role = 'ADMIN' WHERE team_id = $1 AND user_id = $2`, [tx.team.id, actorId]);
      await tx.manager.query(`UPDATE memberships SET role = 'OWNER' WHERE team_id = $1 AND user_id = $2`, [tx.team.id, cmd.toUserId]);
      await tx.emit('OwnershipTransferred', { from: actorId, to: cmd.toUserId });
      return tx.team;
    });
  }

  async leaveTeam(cmd: LeaveTeamCommand, actorId: string): Promise<boolean> {
    return this.inTeam(cmd.teamId, actorId, async (tx) => {
      if (!tx.actorRole) throw new NotFoundError('you are not a member of the team');
      if (tx.actorRole === 'OWNER') throw new ConflictError('the Owner must transfer ownership before leaving');
      await this.releaseMember(tx, actorId, 'member_left');
      await tx.emit('MemberLeft', { userId: actorId });
      return true;
    });
  }

  async removeMember(cmd: RemoveMemberCommand, actorId: string): Promise<boolean> {
    return this.inTeam(cmd.teamId, actorId, async (tx) => {
      this.requireRole(tx, ['OWNER', 'ADMIN'], 'removing members');
      if (cmd.userId === actorId) throw new ConflictError('use leaveTeam to leave a team');
      const target = await this.roleOf(tx, cmd.userId);
      if (!target) throw new NotFoundError('that user is not a member of the team');
      if (target === 'OWNER') throw new ForbiddenError('the Owner cannot be removed');
      if (tx.actorRole === 'ADMIN' && target === 'ADMIN') throw new ForbiddenError('only the Owner removes Admins');
      await this.releaseMember(tx, cmd.userId, 'member_removed');
      await tx.emit('MemberRemoved', { userId: cmd.userId });
      return true;
    });
  }

  async createPlan(cmd: CreatePlanCommand, actorId: string) {
    return this.inTeam(cmd.teamId, actorId, async (tx) => {
      this.requireRole(tx, ['OWNER', 'ADMIN'], 'creating plans');
      const [plan] = await tx.manager.query('INSERT INTO plans (team_id, name, seats, ends_at) VALUES ($1, $2, $3, $4) RETURNING *', [tx.team.id, cmd.name.trim(), cmd.seats, cmd.endsAt]);
      await tx.manager.query('INSERT INTO seats (plan_id, team_id, position) SELECT $1, $2, n FROM generate_series(1, $3) AS n', [plan.id, tx.team.id, cmd.seats]);
      await tx.emit('PlanCreated', { planId: plan.id, name: plan.name, seats: cmd.seats, endsAt: cmd.endsAt.toISOString() });
      return plan;
    });
  }

  async assignSeat(cmd: AssignSeatCommand, actorId: string) {
    const plan = await this.planOrFail(cmd.planId);
    return this.inTeam(plan.team_id, actorId, async (tx) => {
      this.requireRole(tx, ['OWNER', 'ADMIN'], 'assigning seats');
      if (new Date(plan.ends_at).getTime() <= Date.now()) throw new ConflictError('the plan has ended; renew it before assigning seats');
      if (!(await this.roleOf(tx, cmd.userId))) throw new NotFoundError('that user is not a member of the team');
      const [held] = await tx.manager.query('SELECT id FROM seats WHERE team_id = $1 AND user_id = $2', [tx.team.id, cmd.userId]);
      if (held) throw new ConflictError('the member already holds a seat; reclaim it before assigning another');
      const seat = await updateOne(
        tx.manager,
        `UPDATE seats SET user_id = $2, assigned_at = now()
         WHERE id = (SELECT id FROM seats WHERE plan_id = $1 AND user_id IS NULL ORDER BY position LIMIT 1) RETURNING *`,
        [plan.id, cmd.userId],
      );
      if (!seat) throw new ConflictError(`all ${plan.seats} seats of the plan are assigned`);
      await tx.emit('SeatAssigned', { seatId: seat.id, planId: plan.id, userId: cmd.userId });
      return seat;
    });
  }

  async reclaimSeat(cmd: ReclaimSeatCommand, actorId: string) {
    const [found] = await this.postgres.query('SELECT team_id FROM seats WHERE id = $1', [cmd.seatId]);
    if (!found) throw new NotFoundError(`seat ${cmd.seatId} does not exist`);
    return this.inTeam(found.team_id, actorId, async (tx) => {
      this.requireRole(tx, ['OWNER', 'ADMIN'], 'reclaiming seats');
      const [seat] = await tx.manager.query('SELECT * FROM seats WHERE id = $1', [cmd.seatId]);
      if (!seat.user_id) throw new ConflictError('the seat is not assigned');
      await tx.manager.query(
        `UPDATE api_keys SET status = 'REVOKED', revoked_reason = 'seat_reclaimed' WHERE team_id = $1 AND user_id = $2 AND status = 'ACTIVE'`,
        [tx.team.id, seat.user_id],
      );
      const reclaimed = await updateOne(tx.manager, 'UPDATE seats SET user_id = NULL, assigned_at = NULL WHERE id = $1 RETURNING *', [seat.id]);
      await tx.emit('SeatReclaimed', { seatId: seat.id, userId: seat.user_id });
      return reclaimed;
    });
  }

  async createApiKey(cmd: CreateApiKeyCommand, actorId: string) {
    const secret = newSecret('sk', 30);
    const insert = async (manager: EntityManager, teamId: string | null) => {
      const [key] = await manager.query(
        `INSERT INTO api_keys (team_id, user_id, name, prefix, last4, secret_hash, expires_at, test)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
        [teamId, actorId, cmd.name.trim(), secret.slice(0, 9), secret.slice(-4), sha256(secret), cmd.expiresAt ?? null, cmd.test ?? false],
      );
      return key;
    };
    if (!cmd.teamId) return { key: await insert(this.postgres.manager, null), secret };
    return this.inTeam(cmd.teamId, actorId, async (tx) => {
      if (!tx.actorRole) throw new ForbiddenError('you are not a member of the team');
      const key = await insert(tx.manager, tx.team.id);
      await tx.emit('ApiKeyCreated', { apiKeyId: key.id, userId: actorId, name: key.name, test: key.test });
      return { key, secret };
    });
  }

  async revokeApiKey(cmd: RevokeApiKeyCommand, actorId: string) {
    const [found] = await this.postgres.query('SELECT * FROM api_keys WHERE id = $1', [cmd.apiKeyId]);
    if (!found) throw new NotFoundError(`API key ${cmd.apiKeyId} does not exist`);
    if (!found.team_id) {
      if (found.user_id !== actorId) throw new ForbiddenError('not your key');
      const key = await updateOne(this.postgres.manager, `UPDATE api_keys SET status = 'REVOKED', revoked_reason = coalesce(revoked_reason, 'revoked') WHERE id = $1 RETURNING *`, [found.id]);
      return key;
    }
    return this.inTeam(found.team_id, actorId, async (tx) => {
      if (found.user_id !== actorId) this.requireRole(tx, ['OWNER', 'ADMIN'], "revoking another member's key");
      const key = await updateOne(tx.manager, `UPDATE api_keys SET status = 'REVOKED', revoked_reason = coalesce(revoked_reason, 'revoked') WHERE id = $1 RETURNING *`, [found.id]);
      if (found.status === 'ACTIVE') await tx.emit('ApiKeyRevoked', { apiKeyId: found.id });
      return key;
    });
  }

  async setQuota(cmd: SetQuotaCommand, actorId: string) {
    if (!cmd.userId === !cmd.apiKeyId) throw new ConflictError('a quota is set for exactly one of userId or apiKeyId');
    return this.inTeam(cmd.teamId, actorId, async (tx) => {
      this.requireRole(tx, ['OWNER', 'ADMIN'], 'setting quotas');
      if (cmd.userId && !(await this.roleOf(tx, cmd.userId))) throw new NotFoundError('that user is not a member of the team');
      if (cmd.apiKeyId) {
        const [key] = await tx.manager.query('SELECT id FROM api_keys WHERE id = $1 AND team_id = $2', [cmd.apiKeyId, tx.team.id]);
        if (!key) throw new NotFoundError('that API key does not belong to the team');
      }
      const [quota] = await tx.manager.query(
        `INSERT INTO quotas (team_id, user_id, api_key_id, unit, period, "limit") VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (team_id, coalesce(user_id, api_key_id), unit, period) DO UPDATE SET "limit" = EXCLUDED."limit" RETURNING *`,
        [tx.team.id, cmd.userId ?? null, cmd.apiKeyId ?? null, cmd.unit, cmd.period, cmd.limit],
      );
      await tx.emit('QuotaSet', { quotaId: quota.id, userId: cmd.userId ?? null, apiKeyId: cmd.apiKeyId ?? null, unit: cmd.unit, period: cmd.period, limit: cmd.limit });
      return quota;
    });
  }

  private async planOrFail(planId: string) {
    const [plan] = await this.postgres.query('SELECT * FROM plans WHERE id = $1', [planId]);
    if (!plan) throw new NotFoundError(`plan ${planId} does not exist`);
    return plan;
  }

  private async membership(manager: EntityManager, teamId: string, userId: string) {
    const [row] = await manager.query('SELECT * FROM memberships WHERE team_id = $1 AND user_id = $2', [teamId, userId]);
    return row;
  }
}
