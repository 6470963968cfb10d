import { Field, GraphQLISODateTime, ID, InputType, Int, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDate,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export enum RangePreset {
  LAST_HOUR = 'LAST_HOUR',
  TODAY = 'TODAY',
  LAST_1_DAY = 'LAST_1_DAY',
  LAST_3_DAYS = 'LAST_3_DAYS',
  LAST_7_DAYS = 'LAST_7_DAYS',
  LAST_14_DAYS = 'LAST_14_DAYS',
  LAST_30_DAYS = 'LAST_30_DAYS',
}
registerEnumType(RangePreset, { name: 'RangePreset' });

@InputType('TimeRange')
export class TimeRangeInput {
  @Field(() => RangePreset, { nullable: true }) @IsOptional() @IsEnum(RangePreset) preset?: RangePreset;
  @Field(() => GraphQLISODateTime, { nullable: true }) @IsOptional() @IsDate() from?: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) @IsOptional() @IsDate() to?: Date;
  @Field(() => String, { nullable: true, defaultValue: 'UTC' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timeZone?: string;
}

@InputType('UsageFilter')
export class UsageFilterInput {
  @Field(() => TimeRangeInput) @ValidateNested() @Type(() => TimeRangeInput) range: TimeRangeInput;
  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  teamIds?: string[];
  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  userIds?: string[];
  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  apiKeyIds?: string[];
  @Field(() => [ID], {
    nullable: true,
    description:
      'the calls of the users who are members of these teams now (wherever else the filter reads them), unlike ' +
      'teamIds: the calls made in these teams',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  memberOfTeamIds?: string[];
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  services?: string[];
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  models?: string[];
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  modelTypes?: string[];
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  sources?: string[];
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  tags?: string[];
  @Field(() => [Int], {
    nullable: true,
    description: 'HTTP statuses of the calls (100-599); 0 matches calls without one',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(599, { each: true })
  httpStatuses?: number[];
  @Field(() => [String], { nullable: true, description: 'error codes of the calls; "" matches calls without one' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(128, { each: true })
  errorCodes?: string[];
}
