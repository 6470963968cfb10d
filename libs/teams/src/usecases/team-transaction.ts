import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ForbiddenError } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ConflictError, NotFoundError } from '@app/errors';
import { isUniqueViolation, TeamRole, TeamRow, TeamStore, teamStore } from '../persistence';
import { appendTeamEvent, TeamEventType } from '../team-event-store';
import { KeyStateChanges } from '../verification/key-state-changes';

/** Appends a domain event to team_events and the outbox, in the transaction that changed the state. */
export type AppendTeamEvent = (
  teamId: string,
  type: TeamEventType,
  actorId: string,
  payload: Record<string, unknown>,
) => Promise<void>;

export type TransactionWork<T> = (store: TeamStore, append: AppendTeamEvent) => Promise<T>;

/** A command's view of its team inside the transaction that holds the team row lock. */
export interface TeamTx {
  store: TeamStore;
  team: TeamRow;
  actorId: string;
  actorRole: TeamRole | null;
  emit(type: TeamEventType, payload: Record<string, unknown>): Promise<void>;
}

/**
 * How team commands touch Postgres. `inTeam` is the discipline every command on an existing
 * team follows: one transaction that locks the team row (so commands on one team are
 * serialized and their checks cannot race), checks the rule, updates the state tables and
 * appends the domain event to team_events and the outbox.
 */
export abstract class TeamTransactions {
  /** Reads outside any transaction: which team a command is about, and keys that belong to no team. */
  abstract readonly store: TeamStore;

  /** One transaction, for commands that create their team or touch no team. */
  abstract run<T>(work: TransactionWork<T>, isolation?: 'SERIALIZABLE'): Promise<T>;

  abstract inTeam<T>(teamId: string, actorId: string, work: (tx: TeamTx) => Promise<T>): Promise<T>;
}

@Injectable()
export class PostgresTeamTransactions extends TeamTransactions {
  readonly store: TeamStore;

  constructor(
    @InjectDataSource() private readonly postgres: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly changes: KeyStateChanges = new KeyStateChanges(),
  ) {
    super();
    this.store = teamStore(postgres);
  }

  /**
   * After the commit, the teams it appended events for are announced to this process's key
   * verification, before the command answers: its caller's next verify sees the change (other
   * processes learn it from the Postgres notification).
   */
  async run<T>(work: TransactionWork<T>, isolation?: 'SERIALIZABLE'): Promise<T> {
    const touched = new Set<string>();
    const inTransaction = (manager: EntityManager) =>
      work(teamStore(manager), async (teamId, type, actorId, payload) => {
        touched.add(teamId);
        await appendTeamEvent(manager, this.config.kafka.teamEventsTopic, teamId, type, actorId, payload);
      });
    const result = await (isolation
      ? this.postgres.transaction(isolation, inTransaction)
      : this.postgres.transaction(inTransaction));
    for (const teamId of touched) this.changes.publish({ teamId });
    return result;
  }

  async inTeam<T>(teamId: string, actorId: string, work: (tx: TeamTx) => Promise<T>): Promise<T> {
    try {
      return await this.run(async (store, append) => {
        const team = await store.teams.lock(teamId);
        if (!team) throw new NotFoundError(`team ${teamId} does not exist`);
        const actorRole = await store.memberships.roleOf(teamId, actorId);
        return work({
          store,
          team,
          actorId,
          actorRole,
          emit: (type, payload) => append(teamId, type, actorId, payload),
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(`conflicts with existing data (${error.constraint ?? 'unique constraint'})`);
      }
      throw error;
    }
  }
}

export function requireRole(tx: TeamTx, allowed: TeamRole[], what: string): void {
  if (!tx.actorRole) throw new ForbiddenError(`you are not a member of team ${tx.team.id}`);
  if (!allowed.includes(tx.actorRole)) {
    throw new ForbiddenError(`${what} needs the role ${allowed.join(' or ')}; you are ${tx.actorRole}`);
  }
}

/** Leaving or removal: the seat returns to unassigned and the member's team keys stop at once. */
export async function releaseMember(tx: TeamTx, userId: string, reason: string): Promise<void> {
  await tx.store.memberships.delete(tx.team.id, userId);
  await tx.store.seats.unassignHolder(tx.team.id, userId);
  await tx.store.apiKeys.revokeHolderKeys(tx.team.id, userId, reason);
}
