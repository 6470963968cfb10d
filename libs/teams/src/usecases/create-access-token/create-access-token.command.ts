import { IsDate, IsOptional } from 'class-validator';
import { DisplayName, FutureDate } from '../command';

export class CreateAccessTokenCommand {
  @DisplayName() name: string;
  @IsOptional() @IsDate() @FutureDate() expiresAt?: Date | null;
}
