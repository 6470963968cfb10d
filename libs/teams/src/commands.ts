import { plainToInstance } from 'class-transformer';
import {
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDate,
  IsEmail,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  isUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinDate,
  MinLength,
  validateSync,
  ValidationError,
} from 'class-validator';
import { BadUserInputError } from '@app/errors';

export const USERNAME_RULE = /^[A-Za-z_][A-Za-z0-9_]*$/;

function describe(errors: ValidationError[]): string {
  return errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`).join('; ');
}

/** Builds a command from untrusted input; a command that exists is valid. */
export function buildCommand<T extends object>(type: new () => T, input: object): T {
  const command = plainToInstance(type, input);
  const errors = validateSync(command, { forbidUnknownValues: true, whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw new BadUserInputError(describe(errors));
  return command;
}

export function assertUuid(value: string, field: string): void {
  if (!isUUID(value)) throw new BadUserInputError(`${field}: must be a UUID`);
}

const futureDate = () => MinDate(() => new Date(), { message: 'must be in the future' });
const name = () => [IsString(), MinLength(1, { message: 'must not be empty' }), MaxLength(100), Matches(/\S/, { message: 'must not be blank' })];
const apply = (decorators: PropertyDecorator[]): PropertyDecorator => (target, key) => decorators.forEach((d) => d(target, key));

export class CreateUserCommand {
  @IsString() @MinLength(2) @MaxLength(32) @Matches(USERNAME_RULE, { message: 'letters, digits and underscores, not starting with a digit' }) username: string;
  @IsEmail() @MaxLength(254) email: string;
  @IsArray() @ArrayUnique() @IsIn(['ADMIN', 'FINANCE', 'SRE'], { each: true }) platformRoles: string[] = [];
}

export class CreateAccessTokenCommand {
  @apply(name()) name: string;
  @IsOptional() @IsDate() @futureDate() expiresAt?: Date | null;
}

export class RevokeAccessTokenCommand {
  @IsUUID() id: string;
}

export class CreateTeamCommand {
  @apply(name()) name: string;
}

export class InviteMemberCommand {
  @IsUUID() teamId: string;
  @IsString() @MinLength(1) @MaxLength(254) usernameOrEmail: string;
  @IsIn(['ADMIN', 'MEMBER'], { message: 'role must be ADMIN or MEMBER (ownership moves by transferOwnership)' }) role: string;
}

export class AcceptInvitationCommand {
  @IsString() @MinLength(10) @MaxLength(200) token: string;
}

export class RevokeInvitationCommand {
  @IsUUID() invitationId: string;
}

export class ChangeRoleCommand {
  @IsUUID() teamId: string;
  @IsUUID() userId: string;
  @IsIn(['ADMIN', 'MEMBER'], { message: 'role must be ADMIN or MEMBER (ownership moves by transferOwnership)' }) role: string;
}

export class TransferOwnershipCommand {
  @IsUUID() teamId: string;
  @IsUUID() toUserId: string;
}

export class LeaveTeamCommand {
  @IsUUID() teamId: string;
}

export class RemoveMemberCommand {
  @IsUUID() teamId: string;
  @IsUUID() userId: string;
}

export class CreatePlanCommand {
  @IsUUID() teamId: string;
  @apply(name()) name: string;
  @IsInt() @Min(1) @Max(10_000) seats: number;
  @IsDate() @futureDate() endsAt: Date;
}

export class AssignSeatCommand {
  @IsUUID() planId: string;
  @IsUUID() userId: string;
}

export class ReclaimSeatCommand {
  @IsUUID() seatId: string;
}

export class CreateApiKeyCommand {
  @IsOptional() @IsUUID() teamId?: string | null;
  @apply(name()) name: string;
  @IsOptional() @IsDate() @futureDate() expiresAt?: Date | null;
  @IsOptional() @IsBoolean() test?: boolean | null;
}

export class RevokeApiKeyCommand {
  @IsUUID() apiKeyId: string;
}

export class SetQuotaCommand {
  @IsUUID() teamId: string;
  @IsOptional() @IsUUID() userId?: string | null;
  @IsOptional() @IsUUID() apiKeyId?: string | null;
  @IsIn(['TOKENS', 'CREDITS']) unit: string;
  @IsIn(['DAY', 'MONTH']) period: string;
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1e15) limit: number;
}
