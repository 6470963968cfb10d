import { Controller, Get, Query, Res } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsEnum, IsOptional, IsUUID } from 'class-validator';
import type { Response } from 'express';
import { CurrentPrincipal, Principal } from '@app/auth';
import { BadUserInputError } from '@app/errors';
import { Granularity, UsageDimension } from './dto/usage-enums';
import { RangePreset, UsageFilterInput } from './dto/usage-filter.input';
import { LabelDirectory } from './label-directory';
import { resolveRange } from './time-range';
import { UsageAccessPolicy } from './usage-access.policy';
import { planned, UsageAggregator, UsageGroup } from './usage-aggregator';
import { MAX_BUCKETS } from './usage-queries';
import { bucketStarts } from './usage-source';

const list = ({ value }: { value: unknown }) => (value === undefined ? undefined : String(value).split(',').map((v) => v.trim()).filter(Boolean));
const date = ({ value }: { value: unknown }) => (value === undefined ? undefined : new Date(String(value)));

/** The query string of the export: the UsageFilter fields, comma-separated lists, plus groupBy and granularity. */
export class UsageExportQuery {
  @IsOptional() @IsEnum(RangePreset) preset?: RangePreset;
  @IsOptional() @Transform(date) from?: Date;
  @IsOptional() @Transform(date) to?: Date;
  @IsOptional() timeZone?: string;
  @IsOptional() @Transform(list) @IsUUID('all', { each: true }) teamIds?: string[];
  @IsOptional() @Transform(list) @IsUUID('all', { each: true }) userIds?: string[];
  @IsOptional() @Transform(list) @IsUUID('all', { each: true }) apiKeyIds?: string[];
  @IsOptional() @Transform(list) services?: string[];
  @IsOptional() @Transform(list) models?: string[];
  @IsOptional() @Transform(list) modelTypes?: string[];
  @IsOptional() @Transform(list) sources?: string[];
  @IsOptional() @Transform(list) tags?: string[];
  @IsOptional() @IsEnum(UsageDimension) groupBy?: UsageDimension;
  @IsOptional() @IsEnum(Granularity) granularity?: Granularity;
}

const PAGE = 10_000;
const COLUMNS = ['requests', 'successes', 'errors', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'total_tokens', 'cost', 'credits'];

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) || /^[=+\-@]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * GET /v1/exports/usage.csv: usage grouped by a dimension (and optionally time buckets),
 * written page by page (10,000 groups per query) so memory stays flat whatever the size.
 */
@Controller('v1/exports')
export class UsageExportController {
  constructor(
    private readonly aggregator: UsageAggregator,
    private readonly access: UsageAccessPolicy,
    private readonly labels: LabelDirectory,
  ) {}

  @Get('usage.csv')
  async usage(@CurrentPrincipal() principal: Principal, @Query() q: UsageExportQuery, @Res() res: Response): Promise<void> {
    for (const d of [q.from, q.to]) if (d && Number.isNaN(d.getTime())) throw new BadUserInputError('from/to: RFC 3339 timestamps');
    const { preset, from: fromDate, to: toDate, timeZone, groupBy, granularity, ...dims } = q;
    const filter: UsageFilterInput = await this.access.scope(principal, { range: { preset, from: fromDate, to: toDate, timeZone: timeZone ?? 'UTC' }, ...dims }, 'aggregates');
    const range = resolveRange(filter.range);
    const from = range.from.getTime();
    const to = range.to.getTime();
    if (granularity && bucketStarts(from, to, granularity, range.timeZone).length > MAX_BUCKETS * 50) {
      throw new BadUserInputError(`range: too many ${granularity} buckets for an export; choose a coarser granularity`);
    }
    const request = planned({ filter, from, to, now: Date.now(), timeZone: range.timeZone, granularity, dimension: groupBy });

    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="usage-${range.from.toISOString().slice(0, 10)}-${range.to.toISOString().slice(0, 10)}.csv"`);
    const header = [...(granularity ? ['bucket_start'] : []), ...(groupBy ? [groupBy.toLowerCase(), 'label'] : []), ...COLUMNS];
    res.write(header.join(',') + '\n');
    for (let offset = 0; ; offset += PAGE) {
      const rows = await this.aggregator.aggregate({ ...request, page: { limit: PAGE, offset } });
      const labels = groupBy ? await this.labels.labelsFor(groupBy, [...new Set(rows.map((r) => r.key!))]) : new Map<string, string>();
      const chunk = rows.map((r) => this.line(r, granularity !== undefined, groupBy !== undefined, labels)).join('');
      if (chunk && !res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
      if (rows.length < PAGE || (!groupBy && !granularity)) break;
    }
    res.end();
  }

  private line(r: UsageGroup, withBucket: boolean, withKey: boolean, labels: Map<string, string>): string {
    const cells: Array<string | number> = [];
    if (withBucket) cells.push(new Date(r.bucket!).toISOString());
    if (withKey) cells.push(r.key!, labels.get(r.key!) ?? r.key!);
    cells.push(r.requests, r.successes, r.errors, r.inputTokens, r.outputTokens, r.cacheReadTokens, r.cacheWriteTokens, r.inputTokens + r.outputTokens, r.cost, r.credits);
    return cells.map(csvField).join(',') + '\n';
  }
}
