import { IsIn, IsUUID } from 'class-validator';
import { INVITABLE_ROLE_MESSAGE, INVITABLE_ROLES, InvitableRole } from '../command';

export class ChangeRoleCommand {
  @IsUUID() teamId: string;
  @IsUUID() userId: string;
  @IsIn(INVITABLE_ROLES, { message: INVITABLE_ROLE_MESSAGE }) role: InvitableRole;
}
