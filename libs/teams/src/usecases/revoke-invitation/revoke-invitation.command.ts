import { IsUUID } from 'class-validator';

export class RevokeInvitationCommand {
  @IsUUID() invitationId: string;
}
