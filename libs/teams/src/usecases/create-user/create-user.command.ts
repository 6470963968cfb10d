import { ArrayUnique, IsArray, IsEmail, IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import type { PlatformRole } from '@app/auth';
import { USERNAME_RULE } from '../command';

export class CreateUserCommand {
  @IsString()
  @MinLength(2)
  @MaxLength(32)
  @Matches(USERNAME_RULE, { message: 'letters, digits and underscores, not starting with a digit' })
  username: string;

  @IsEmail() @MaxLength(254) email: string;
  @IsArray() @ArrayUnique() @IsIn(['ADMIN', 'FINANCE', 'SRE'], { each: true }) platformRoles: PlatformRole[] = [];
}
