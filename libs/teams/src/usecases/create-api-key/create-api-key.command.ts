import { IsBoolean, IsDate, IsOptional, IsUUID } from 'class-validator';
import { DisplayName, FutureDate } from '../command';

export class CreateApiKeyCommand {
  /** absent: a personal key, outside any team */
  @IsOptional() @IsUUID() teamId?: string | null;
  @DisplayName() name: string;
  @IsOptional() @IsDate() @FutureDate() expiresAt?: Date | null;
  @IsOptional() @IsBoolean() test?: boolean | null;
  /** a team member holding a seat, for whom an Owner or Admin issues the key; absent: the caller */
  @IsOptional() @IsUUID() forUserId?: string | null;
}
