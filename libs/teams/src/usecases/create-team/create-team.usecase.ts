import { Injectable } from '@nestjs/common';
import { ConflictError } from '@app/errors';
import { isUniqueViolation, TeamRow } from '../../persistence';
import { TeamTransactions } from '../team-transaction';
import { CreateTeamCommand } from './create-team.command';

/** A new team with its creator as Owner; team names are unique per creator, whatever their case. */
@Injectable()
export class CreateTeam {
  constructor(private readonly transactions: TeamTransactions) {}

  async execute(command: CreateTeamCommand, actorId: string): Promise<TeamRow> {
    const name = command.name.trim();
    try {
      return await this.transactions.run(async (store, append) => {
        const team = await store.teams.insert(name, actorId);
        await store.memberships.insert(team.id, actorId, 'OWNER');
        await append(team.id, 'TeamCreated', actorId, { name, ownerId: actorId });
        return team;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(`you already created a team named ${JSON.stringify(name)}`);
      throw error;
    }
  }
}
