import { IsDate, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { FutureDate } from '../command';

export class RenewPlanCommand {
  @IsUUID() planId: string;
  @IsDate() @FutureDate() endsAt: Date;
  /** absent: as many seats as now */
  @IsOptional() @IsInt() @Min(1) @Max(10_000) seats?: number | null;
}
