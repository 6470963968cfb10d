import { IsUUID } from 'class-validator';

export class LeaveTeamCommand {
  @IsUUID() teamId: string;
}
