import { BadUserInputError, ConflictError } from '@app/errors';
import { buildCommand } from '../command';
import { FakeTeamTransactions } from '../fake-team-transactions';
import { CreateTeamCommand } from './create-team.command';
import { CreateTeam } from './create-team.usecase';

const team = { id: 't1', name: 'Research', created_by: 'ann', created_at: new Date(0) };

describe('CreateTeam', () => {
  it('makes the creator the Owner and records TeamCreated with the trimmed name', async () => {
    const insertMember = jest.fn();
    const insertTeam = jest.fn().mockResolvedValue(team);
    const fake = new FakeTeamTransactions(new Map(), {
      teams: { insert: insertTeam },
      memberships: { insert: insertMember },
    });
    await new CreateTeam(fake).execute(buildCommand(CreateTeamCommand, { name: '  Research ' }), 'ann');
    expect(insertTeam).toHaveBeenCalledWith('Research', 'ann');
    expect(insertMember).toHaveBeenCalledWith('t1', 'ann', 'OWNER');
    expect(fake.events).toEqual([
      { teamId: 't1', type: 'TeamCreated', actorId: 'ann', payload: { name: 'Research', ownerId: 'ann' } },
    ]);
  });

  it('answers a duplicate name with CONFLICT', async () => {
    const duplicate = Object.assign(new Error('duplicate'), { code: '23505' });
    const fake = new FakeTeamTransactions(new Map(), { teams: { insert: jest.fn().mockRejectedValue(duplicate) } });
    await expect(new CreateTeam(fake).execute({ name: 'Research' }, 'ann')).rejects.toThrow(ConflictError);
  });

  it('refuses a blank name when the command is built', () => {
    expect(() => buildCommand(CreateTeamCommand, { name: '   ' })).toThrow(BadUserInputError);
  });
});
