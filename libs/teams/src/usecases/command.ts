import { plainToInstance } from 'class-transformer';
import {
  isUUID,
  Matches,
  MaxLength,
  MinDate,
  MinLength,
  IsString,
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

export const FutureDate = (): PropertyDecorator => MinDate(() => new Date(), { message: 'must be in the future' });

/** A display name: 1 to 100 characters, not blank. */
export const DisplayName = (): PropertyDecorator => (target, key) => {
  for (const rule of [
    IsString(),
    MinLength(1, { message: 'must not be empty' }),
    MaxLength(100),
    Matches(/\S/, { message: 'must not be blank' }),
  ]) {
    rule(target, key);
  }
};

export const INVITABLE_ROLES = ['ADMIN', 'MEMBER'] as const;
export type InvitableRole = (typeof INVITABLE_ROLES)[number];
export const INVITABLE_ROLE_MESSAGE = 'role must be ADMIN or MEMBER (ownership moves by transferOwnership)';
