import { IsUUID } from 'class-validator';

export class RevokeApiKeyCommand {
  @IsUUID() apiKeyId: string;
}
