import { IsUUID } from 'class-validator';

export class ResumeApiKeyCommand {
  @IsUUID() apiKeyId: string;
}
