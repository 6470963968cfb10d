import { IsUUID } from 'class-validator';

export class DeleteQuotaCommand {
  @IsUUID() quotaId: string;
}
