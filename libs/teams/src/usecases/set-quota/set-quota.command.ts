import { IsIn, IsNumber, IsOptional, IsUUID, Max, Min } from 'class-validator';
import type { QuotaPeriod, QuotaUnit } from '../../persistence';

export class SetQuotaCommand {
  @IsUUID() teamId: string;
  @IsOptional() @IsUUID() userId?: string | null;
  @IsOptional() @IsUUID() apiKeyId?: string | null;
  @IsIn(['TOKENS', 'CREDITS']) unit: QuotaUnit;
  @IsIn(['DAY', 'MONTH']) period: QuotaPeriod;
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1e15) limit: number;
}
