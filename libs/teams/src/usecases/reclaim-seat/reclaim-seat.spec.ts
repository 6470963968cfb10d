import { ConflictError, NotFoundError } from '@app/errors';
import type { SeatRow } from '../../persistence';
import { FakeTeamTransactions } from '../fake-team-transactions';
import { ReclaimSeat } from './reclaim-seat.usecase';

function world(holder: string | null) {
  const seat: SeatRow = { id: 's1', plan_id: 'p1', team_id: 't1', position: 1, user_id: holder, assigned_at: null };
  const revokeHolderKeys = jest.fn();
  const unassign = jest.fn().mockResolvedValue({ ...seat, user_id: null });
  const fake = new FakeTeamTransactions(new Map([['admin', 'ADMIN' as const]]), {
    seats: { byId: jest.fn(async (id: string) => (id === 's1' ? seat : undefined)), unassign },
    apiKeys: { revokeHolderKeys },
  });
  return { fake, revokeHolderKeys, unassign, useCase: new ReclaimSeat(fake) };
}

describe('ReclaimSeat', () => {
  it("frees the seat and stops its holder's team keys", async () => {
    const { fake, revokeHolderKeys, unassign, useCase } = world('bob');
    await useCase.execute({ seatId: 's1' }, 'admin');
    expect(revokeHolderKeys).toHaveBeenCalledWith('t1', 'bob', 'seat_reclaimed');
    expect(unassign).toHaveBeenCalledWith('s1');
    expect(fake.events[0]).toMatchObject({ type: 'SeatReclaimed', payload: { seatId: 's1', userId: 'bob' } });
  });

  it('refuses a free seat, an unknown seat and non-managers', async () => {
    await expect(world(null).useCase.execute({ seatId: 's1' }, 'admin')).rejects.toThrow(ConflictError);
    await expect(world('bob').useCase.execute({ seatId: 's2' }, 'admin')).rejects.toThrow(NotFoundError);
    await expect(world('bob').useCase.execute({ seatId: 's1' }, 'bob')).rejects.toThrow(/not a member/);
  });
});
