import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsEnum, IsInt, IsOptional, IsUUID, Max, MaxLength, Min } from 'class-validator';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Expensive, Principal, RateLimits } from '@app/auth';
import { BadUserInputError } from '@app/errors';
import { assertBucketCount, MAX_EXPORT_BUCKETS } from './bucket-limit';
import { csvLine, CsvValue, DecimalCell } from './csv-cell';
import { Granularity, UsageDimension } from './dto/usage-enums';
import { RangePreset, UsageFilterInput } from './dto/usage-filter.input';
import { LabelDirectory } from './label-directory';
import { ResolvedRange, resolveRange } from './time-range';
import { UsageAccessPolicy } from './usage-access.policy';
import { AggregateRequest, planned, UsageAggregator } from './usage-aggregator';
import { UsageGroup } from './usage-totals';

// a repeated query parameter arrives as an array: its values join as a comma-separated list would
const text = (value: unknown): string => (Array.isArray(value) ? value.join(',') : `${value as string}`);
const list = ({ value }: { value: unknown }) =>
  value === undefined
    ? undefined
    : text(value)
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
const date = ({ value }: { value: unknown }) => (value === undefined ? undefined : new Date(text(value)));

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
  @IsOptional()
  @Transform((p) => list(p)?.map(Number))
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(599, { each: true })
  httpStatuses?: number[];
  @IsOptional() @Transform(list) @MaxLength(128, { each: true }) errorCodes?: string[];
  @IsOptional() @IsEnum(UsageDimension) groupBy?: UsageDimension;
  @IsOptional() @IsEnum(Granularity) granularity?: Granularity;
}

const PAGE = 10_000;
const COLUMNS = [
  'requests',
  'successes',
  'errors',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'total_tokens',
  'cost',
  'credits',
  // after the columns exports had before it, so readers that take columns by position keep working
  'reasoning_tokens',
];

/**
 * Writes a chunk; when the socket's buffer is full, waits until it drains. False when the
 * client went away meanwhile: the export stops (and gives its slot back) instead of waiting
 * forever for a drain that will not come.
 */
async function written(res: Response, chunk: string): Promise<boolean> {
  if (res.destroyed) return false;
  if (res.write(chunk)) return true;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
  return !res.destroyed;
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
    private readonly rateLimits: RateLimits,
  ) {}

  @Get('usage.csv')
  @Expensive(5)
  async usage(
    @CurrentPrincipal() principal: Principal,
    @Query() q: UsageExportQuery,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    for (const d of [q.from, q.to])
      if (d && Number.isNaN(d.getTime())) throw new BadUserInputError('from/to: RFC 3339 timestamps');
    const { preset, from: fromDate, to: toDate, timeZone, groupBy, granularity, ...dims } = q;
    const now = Date.now();
    const asked = { preset, from: fromDate, to: toDate, timeZone: timeZone ?? 'UTC' };
    // the range's length alone decides, before any bucket list, plan, lookup or slot
    const range = resolveRange(asked, now);
    const from = range.from.getTime();
    const to = range.to.getTime();
    if (granularity) assertBucketCount(from, to, granularity, MAX_EXPORT_BUCKETS);
    const release = this.rateLimits.acquireExportSlot(req, principal);
    try {
      const filter: UsageFilterInput = await this.access.scope(principal, { range: asked, ...dims }, 'aggregates');
      const request = planned({ filter, from, to, now, timeZone: range.timeZone, granularity, dimension: groupBy });
      await this.stream(res, request, range, groupBy, granularity);
    } finally {
      release();
    }
  }

  private async stream(
    res: Response,
    request: AggregateRequest,
    range: ResolvedRange,
    groupBy?: UsageDimension,
    granularity?: Granularity,
  ): Promise<void> {
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="usage-${range.from.toISOString().slice(0, 10)}-` +
        `${range.to.toISOString().slice(0, 10)}.csv"`,
    );
    const header = [
      ...(granularity ? ['bucket_start'] : []),
      ...(groupBy ? [groupBy.toLowerCase(), 'label'] : []),
      ...COLUMNS,
    ];
    res.write(header.join(',') + '\n');
    for (let offset = 0; ; offset += PAGE) {
      const rows = await this.aggregator.aggregate({ ...request, page: { limit: PAGE, offset } });
      const labels = groupBy
        ? await this.labels.labelsFor(groupBy, [...new Set(rows.map((r) => r.key!))])
        : new Map<string, string>();
      const chunk = rows.map((r) => this.line(r, granularity !== undefined, groupBy !== undefined, labels)).join('');
      if (chunk && !(await written(res, chunk))) return;
      if (rows.length < PAGE || (!groupBy && !granularity)) break;
    }
    res.end();
  }

  private line(r: UsageGroup, withBucket: boolean, withKey: boolean, labels: Map<string, string>): string {
    const cells: CsvValue[] = [];
    if (withBucket) cells.push(new Date(r.bucket!).toISOString());
    if (withKey) cells.push(r.key, labels.get(r.key!) ?? r.key!);
    const tokens = r.inputTokens + r.outputTokens;
    cells.push(r.requests, r.successes, r.errors, r.inputTokens, r.outputTokens);
    cells.push(r.cacheReadTokens, r.cacheWriteTokens, tokens);
    cells.push(new DecimalCell(r.cost), new DecimalCell(r.credits), r.reasoningTokens);
    return csvLine(cells);
  }
}
