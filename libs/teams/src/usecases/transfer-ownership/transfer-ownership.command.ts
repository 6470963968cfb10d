import { IsUUID } from 'class-validator';

export class TransferOwnershipCommand {
  @IsUUID() teamId: string;
  @IsUUID() toUserId: string;
}
