import type { TeamRole, TeamRow, TeamStore } from '../persistence';
import type { TeamEventType } from '../team-event-store';
import { TeamTransactions, TeamTx, TransactionWork } from './team-transaction';

export interface RecordedEvent {
  teamId: string;
  type: TeamEventType;
  actorId: string;
  payload: Record<string, unknown>;
}

type FakeRepositories = { [R in keyof TeamStore]?: Partial<TeamStore[R]> };

/**
 * For use-case specs: one team whose members' roles are held in memory, the other
 * repositories faked per spec, and the events a command emits recorded instead of stored.
 */
export class FakeTeamTransactions extends TeamTransactions {
  readonly events: RecordedEvent[] = [];
  readonly store: TeamStore;
  readonly team: TeamRow = { id: 'team-1', name: 'Research', created_by: 'owner', created_at: new Date(0) };

  constructor(
    readonly roles: Map<string, TeamRole>,
    repositories: FakeRepositories = {},
  ) {
    super();
    const memberships = {
      roleOf: async (_teamId: string, userId: string) => this.roles.get(userId) ?? null,
      ...repositories.memberships,
    };
    this.store = { ...repositories, memberships } as unknown as TeamStore;
  }

  run<T>(work: TransactionWork<T>): Promise<T> {
    return work(this.store, async (teamId, type, actorId, payload) => {
      this.events.push({ teamId, type, actorId, payload });
    });
  }

  async inTeam<T>(teamId: string, actorId: string, work: (tx: TeamTx) => Promise<T>): Promise<T> {
    const team = { ...this.team, id: teamId };
    const tx: TeamTx = {
      store: this.store,
      team,
      actorId,
      actorRole: this.roles.get(actorId) ?? null,
      emit: async (type, payload) => {
        this.events.push({ teamId, type, actorId, payload });
      },
    };
    return work(tx);
  }
}
