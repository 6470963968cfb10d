import { IsUUID } from 'class-validator';

export class ReclaimSeatCommand {
  @IsUUID() seatId: string;
}
