import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '@app/errors';
import type { SeatRow } from '../../persistence';
import { requireRole, TeamTransactions } from '../team-transaction';
import { ReclaimSeatCommand } from './reclaim-seat.command';

/** Owners and Admins take a seat back; its holder's team keys stop at once (reason seat_reclaimed). */
@Injectable()
export class ReclaimSeat {
  constructor(private readonly transactions: TeamTransactions) {}

  async execute(command: ReclaimSeatCommand, actorId: string): Promise<SeatRow> {
    const found = await this.transactions.store.seats.byId(command.seatId);
    if (!found) throw new NotFoundError(`seat ${command.seatId} does not exist`);
    return this.transactions.inTeam(found.team_id, actorId, async (tx) => {
      requireRole(tx, ['OWNER', 'ADMIN'], 'reclaiming seats');
      const seat = (await tx.store.seats.byId(command.seatId))!;
      if (!seat.user_id) throw new ConflictError('the seat is not assigned');
      await tx.store.apiKeys.revokeHolderKeys(tx.team.id, seat.user_id, 'seat_reclaimed');
      const reclaimed = await tx.store.seats.unassign(seat.id);
      await tx.emit('SeatReclaimed', { seatId: seat.id, userId: seat.user_id });
      return reclaimed;
    });
  }
}
