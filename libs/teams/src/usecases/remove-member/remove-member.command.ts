import { IsUUID } from 'class-validator';

export class RemoveMemberCommand {
  @IsUUID() teamId: string;
  @IsUUID() userId: string;
}
