import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEnum, IsInt, IsOptional, IsUUID, Max, MaxLength, Min } from 'class-validator';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Expensive, Principal, RateLimits } from '@app/auth';
import { BadUserInputError } from '@app/errors';
import { assertBucketCount, MAX_EXPORT_BUCKETS } from './bucket-limit';
import { csvLine, CsvValue, DecimalCell } from './csv-cell';
import {
  camelName,
  Granularity,
  isDecimal,
  Measure,
  measureRecord,
  Placed,
  placedInOrder,
  SUMMED_COLUMNS,
  UsageDimension,
} from '@app/catalog';
import { RangePreset, UsageFilterInput } from './dto/usage-filter.input';
import { LabelDirectory } from './label-directory';
import { ResolvedRange, resolveRange } from './time-range';
import { UsageAccessPolicy } from './usage-access.policy';
import { AggregateRequest, planned, UsageAggregator } from './usage-aggregator';
import { UsageGroup, UsageTotals } from './usage-totals';
import { checkGroupBy, reportRequest } from './cost-report.query';
import { ReportPosition, ReportRequest } from './query/cost-report-read';

// a repeated query parameter arrives as an array: its values join as a comma-separated list would
export const text = (value: unknown): string => (Array.isArray(value) ? value.join(',') : `${value as string}`);
export const list = ({ value }: { value: unknown }) =>
  value === undefined
    ? undefined
    : text(value)
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
const date = ({ value }: { value: unknown }) => (value === undefined ? undefined : new Date(text(value)));

/** The UsageFilter fields in a query string, lists comma-separated (the exports). */
export class UsageFilterQuery {
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
  // only the words true and false: anything else stays a string and is refused
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  includeTest?: boolean;
}

/** The usage export's query string: the filter, groupBy (one dimension or several, comma-separated), granularity. */
export class UsageExportQuery extends UsageFilterQuery {
  @IsOptional() @Transform(list) @IsEnum(UsageDimension, { each: true }) groupBy?: UsageDimension[];
  @IsOptional() @IsEnum(Granularity) granularity?: Granularity;
}

/** The filter of an export, checked: the range's dates, the rest as given. */
export function exportFilter(q: UsageFilterQuery): UsageFilterInput {
  for (const d of [q.from, q.to])
    if (d && Number.isNaN(d.getTime())) throw new BadUserInputError('from/to: RFC 3339 timestamps');
  const { preset, from, to, timeZone, ...dims } = q;
  return { range: { preset, from, to, timeZone: timeZone ?? 'UTC' }, ...dims };
}

const PAGE = 10_000;

/** What an export grouped by several dimensions sums: every summed catalogue measure. */
const SUMMED_MEASURES: ReadonlySet<Measure> = new Set(
  SUMMED_COLUMNS.filter((c) => c !== 'requests').map((c) => camelName(c) as Measure),
);

interface CsvColumn extends Placed {
  cell: (group: UsageTotals) => CsvValue;
}

/**
 * The measure columns: each summed catalogue measure where its record places it (`csvAfter`: a
 * new one after the columns exports had before it, so readers that take columns by position
 * keep working), and total_tokens.
 */
const COLUMNS = placedInOrder<CsvColumn>([
  ...SUMMED_COLUMNS.map((column) => {
    const name = camelName(column);
    return {
      name: column,
      after: measureRecord(column).csvAfter ?? null,
      cell: isDecimal(column) ? (g: UsageTotals) => new DecimalCell(g[name] as string) : (g: UsageTotals) => g[name],
    };
  }),
  { name: 'total_tokens', after: 'cache_write_tokens', cell: (g) => g.inputTokens + g.outputTokens },
]);

/**
 * Writes a chunk; when the socket's buffer is full, waits until it drains. False when the
 * client went away meanwhile: the export stops (and gives its slot back) instead of waiting
 * forever for a drain that will not come.
 */
export async function written(res: Response, chunk: string): Promise<boolean> {
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
    const { groupBy: grouped, granularity, ...asked } = q;
    // several dimensions: checked as a cost report's grouping, before anything runs
    if (grouped && grouped.length > 1) checkGroupBy(grouped);
    const groupBy = grouped?.[0];
    const { range: askedRange, ...dims } = exportFilter(asked);
    const now = Date.now();
    // the range's length alone decides, before any bucket list, plan, lookup or slot
    const range = resolveRange(askedRange, now);
    const from = range.from.getTime();
    const to = range.to.getTime();
    if (granularity) assertBucketCount(from, to, granularity, MAX_EXPORT_BUCKETS);
    const release = this.rateLimits.acquireExportSlot(req, principal);
    try {
      const filter: UsageFilterInput = await this.access.scope(principal, { range: askedRange, ...dims }, 'aggregates');
      if (grouped && grouped.length > 1) {
        const report = reportRequest(filter, grouped, granularity, now, SUMMED_MEASURES);
        await this.streamReport(res, report, range);
        return;
      }
      const request = planned({ filter, from, to, now, timeZone: range.timeZone, granularity, dimension: groupBy });
      await this.stream(res, request, range, groupBy, granularity);
    } finally {
      release();
    }
  }

  private writeHead(res: Response, range: ResolvedRange): void {
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="usage-${range.from.toISOString().slice(0, 10)}-` +
        `${range.to.toISOString().slice(0, 10)}.csv"`,
    );
  }

  /**
   * Usage grouped by several dimensions, in keyset pages in the order (bucket, keys): a column
   * and a label column per dimension (`team,team_label,model,model_label`).
   */
  private async streamReport(res: Response, report: Omit<ReportRequest, 'limit'>, range: ResolvedRange) {
    this.writeHead(res, range);
    const header = [
      ...(report.granularity ? ['bucket_start'] : []),
      ...report.groupBy.flatMap((d) => [d.toLowerCase(), `${d.toLowerCase()}_label`]),
      ...COLUMNS.map((c) => c.name),
    ];
    res.write(header.join(',') + '\n');
    let after: ReportPosition | undefined;
    for (;;) {
      const rows = await this.aggregator.report({ ...report, after, limit: PAGE });
      const labels = await Promise.all(
        report.groupBy.map((d, i) => this.labels.labelsFor(d, [...new Set(rows.map((r) => r.keys[i]))])),
      );
      const chunk = rows
        .map((r) => {
          const cells: CsvValue[] = report.granularity ? [new Date(r.bucket!).toISOString()] : [];
          r.keys.forEach((k, i) => cells.push(k, labels[i].get(k) ?? k));
          for (const column of COLUMNS) cells.push(column.cell(r));
          return csvLine(cells);
        })
        .join('');
      if (chunk && !(await written(res, chunk))) return;
      if (rows.length < PAGE) break;
      const last = rows[rows.length - 1];
      after = { bucket: last.bucket ?? null, keys: last.keys };
    }
    res.end();
  }

  private async stream(
    res: Response,
    request: AggregateRequest,
    range: ResolvedRange,
    groupBy?: UsageDimension,
    granularity?: Granularity,
  ): Promise<void> {
    this.writeHead(res, range);
    const header = [
      ...(granularity ? ['bucket_start'] : []),
      ...(groupBy ? [groupBy.toLowerCase(), 'label'] : []),
      ...COLUMNS.map((c) => c.name),
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
    for (const column of COLUMNS) cells.push(column.cell(r));
    return csvLine(cells);
  }
}
