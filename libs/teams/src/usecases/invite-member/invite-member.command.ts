import { IsIn, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { INVITABLE_ROLE_MESSAGE, INVITABLE_ROLES, InvitableRole } from '../command';

export class InviteMemberCommand {
  @IsUUID() teamId: string;
  @IsString() @MinLength(1) @MaxLength(254) usernameOrEmail: string;
  @IsIn(INVITABLE_ROLES, { message: INVITABLE_ROLE_MESSAGE }) role: InvitableRole;
}
