import { IsUUID } from 'class-validator';

export class SuspendApiKeyCommand {
  @IsUUID() apiKeyId: string;
}
