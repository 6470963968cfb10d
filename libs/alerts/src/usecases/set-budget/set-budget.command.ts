import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { BudgetPeriodEnum } from '../../dto/alert-types';

export class SetBudgetCommand {
  @IsUUID() teamId: string;
  @IsOptional() @IsUUID() userId?: string | null;
  @IsOptional() @IsUUID() apiKeyId?: string | null;
  /** exact decimal text: up to 15 integer digits and 9 decimals (numeric(24, 9)) */
  @IsString()
  @Matches(/^(0|[1-9]\d{0,14})(\.\d{1,9})?$/, {
    message: 'amount: a decimal such as "250" or "99.5", up to 9 decimals',
  })
  amount: string;
  @IsEnum(BudgetPeriodEnum) period: BudgetPeriodEnum;
  @IsString() timeZone: string;
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(1000, { each: true })
  thresholds: number[];
}
