import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

export class CreateWebhookCommand {
  @IsOptional() @IsUUID() teamId?: string | null;
  @IsString() @MaxLength(2048) url: string;
}
