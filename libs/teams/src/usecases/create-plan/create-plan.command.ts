import { IsDate, IsInt, IsUUID, Max, Min } from 'class-validator';
import { DisplayName, FutureDate } from '../command';

export class CreatePlanCommand {
  @IsUUID() teamId: string;
  @DisplayName() name: string;
  @IsInt() @Min(1) @Max(10_000) seats: number;
  @IsDate() @FutureDate() endsAt: Date;
}
