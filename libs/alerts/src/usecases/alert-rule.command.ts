import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEnum,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { assertFromTotals, UsageFilterInput, UsageMetric } from '@app/analytics';
import { BadUserInputError } from '@app/errors';
import type { AlertRuleSetting } from '../persistence';
import { SEVERITIES } from '../dto/alert-types';

const FINITE = { allowNaN: false, allowInfinity: false };
export const DEFAULT_WINDOW_MINUTES = 5;

/** createAlertRule's and updateAlertRule's input, checked when built. */
export class AlertRuleCommand {
  @IsOptional() @IsUUID() teamId?: string | null;
  @IsString() @MinLength(1) @MaxLength(100) @Matches(/\S/, { message: 'must not be blank' }) name: string;
  @IsOptional() @ValidateNested() @Type(() => UsageFilterInput) filter?: UsageFilterInput | null;
  @IsEnum(UsageMetric) metric: UsageMetric;
  @IsOptional() @IsNumber(FINITE) above?: number | null;
  @IsOptional() @IsNumber(FINITE) below?: number | null;
  @IsOptional() @IsInt() @Min(1) @Max(1440) windowMinutes?: number | null;
  @IsOptional() @IsNumber(FINITE) @Min(0.1) @Max(1000) anomalyScore?: number | null;
  @IsOptional() @IsIn(SEVERITIES) severity?: string | null;
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsUUID('all', { each: true }) webhookIds?: string[] | null;
}

/** The rule's condition: exactly one of above, below or anomalyScore. */
export function ruleSetting(
  c: AlertRuleCommand,
  teamId: string | null,
  filter: Record<string, unknown>,
  webhookIds: string[],
): AlertRuleSetting {
  const given = [c.above, c.below, c.anomalyScore].filter((v) => v !== undefined && v !== null).length;
  if (given !== 1) throw new BadUserInputError('a rule has exactly one condition: above, below or anomalyScore');
  // a rule's value is computed from the totals of its window
  assertFromTotals(c.metric, 'metric');
  const anomaly = c.anomalyScore !== undefined && c.anomalyScore !== null;
  if (anomaly && c.windowMinutes) throw new BadUserInputError('windowMinutes: only for above or below');
  return {
    teamId,
    name: c.name.trim(),
    filter,
    metric: c.metric,
    above: c.above ?? null,
    below: c.below ?? null,
    windowMinutes: anomaly ? null : (c.windowMinutes ?? DEFAULT_WINDOW_MINUTES),
    anomalyScore: c.anomalyScore ?? null,
    severity: c.severity ?? 'WARNING',
    webhookIds: [...new Set(webhookIds)],
  };
}
