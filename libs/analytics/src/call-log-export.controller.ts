import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEnum, IsIn, IsInt, IsOptional, MaxLength, Min } from 'class-validator';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Expensive, Principal, RateLimits } from '@app/auth';
import { camelName, EVENT_MEASURE_COLUMNS } from '@app/catalog';
import { CallLogsQuery } from './call-logs.query';
import { csvLine, DecimalCell } from './csv-cell';
import { CallLogOrder } from './dto/call-log-order';
import { CallLog } from './dto/usage-types';
import { resolveRange } from './time-range';
import { UsageAccessPolicy } from './usage-access.policy';
import { exportFilter, list, text, UsageFilterQuery, written } from './usage-export.controller';

const integer = ({ value }: { value: unknown }) => (value === undefined ? undefined : Number(text(value)));
// true or false; anything else stays as given and fails IsBoolean
const flag = ({ value }: { value: unknown }) =>
  value === undefined ? undefined : (({ true: true, false: false } as Record<string, boolean>)[text(value)] ?? value);

/** The query string of the call export: the UsageFilter fields and the callLogs arguments but paging. */
export class CallLogExportQuery extends UsageFilterQuery {
  @IsOptional() @Transform(list) @IsIn(['success', 'error'], { each: true }) statuses?: string[];
  @IsOptional() @Transform(integer) @IsInt() @Min(0) minLatencyMs?: number;
  @IsOptional() @Transform(integer) @IsInt() @Min(0) maxLatencyMs?: number;
  @IsOptional() @Transform(integer) @IsInt() @Min(0) minTokens?: number;
  @IsOptional() @Transform(integer) @IsInt() @Min(0) maxTokens?: number;
  @IsOptional() @MaxLength(128) requestId?: string;
  @IsOptional() @IsEnum(CallLogOrder) orderBy?: CallLogOrder;
  @IsOptional() @Transform(flag) @IsBoolean() descending?: boolean;
}

const PAGE = 5_000;
const COLUMNS = [
  'event_id',
  'occurred_at',
  'team_id',
  'user_id',
  'api_key_id',
  'service',
  'model',
  'model_type',
  'source',
  // each count the event carries, in catalogue order
  ...EVENT_MEASURE_COLUMNS,
  'latency_ms',
  'ttft_ms',
  'status',
  'http_status',
  'error_code',
  'cost',
  'tags',
  'request_id',
];

/**
 * GET /v1/exports/calls.csv: the calls callLogs would list for the same filter and order, every
 * one of them, read 5,000 rows at a time by the same keyset as its pages (memory stays flat).
 */
@Controller('v1/exports')
export class CallLogExportController {
  constructor(
    private readonly callLogs: CallLogsQuery,
    private readonly access: UsageAccessPolicy,
    private readonly rateLimits: RateLimits,
  ) {}

  @Get('calls.csv')
  @Expensive(5)
  async calls(
    @CurrentPrincipal() principal: Principal,
    @Query() q: CallLogExportQuery,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const { statuses, minLatencyMs, maxLatencyMs, minTokens, maxTokens, requestId, httpStatuses, errorCodes, ...rest } =
      q;
    const { orderBy, descending, ...filterQuery } = rest;
    const asked = exportFilter(filterQuery);
    const range = resolveRange(asked.range, Date.now());
    const release = this.rateLimits.acquireExportSlot(req, principal);
    try {
      const filter = await this.access.scope(principal, asked, 'callLogs');
      const args = { statuses, minLatencyMs, maxLatencyMs, minTokens, maxTokens, requestId, httpStatuses, errorCodes };
      const pages = this.callLogs.all(filter, { ...args, orderBy, descending }, PAGE);
      // the first read checks the arguments before any header goes out: bad input stays a 400
      const first = await pages.next();
      res.status(200);
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="calls-${range.from.toISOString().slice(0, 10)}-` +
          `${range.to.toISOString().slice(0, 10)}.csv"`,
      );
      res.write(COLUMNS.join(',') + '\n');
      if (!first.done && !(await written(res, first.value.map(line).join('')))) return;
      for await (const rows of pages) if (!(await written(res, rows.map(line).join('')))) return;
      res.end();
    } finally {
      release();
    }
  }
}

function line(c: CallLog): string {
  return csvLine([
    c.eventId,
    c.occurredAt.toISOString(),
    c.teamId,
    c.userId,
    c.apiKeyId,
    c.service,
    c.model,
    c.modelType,
    c.source,
    ...EVENT_MEASURE_COLUMNS.map((column) => c[camelName(column)]),
    c.latencyMs,
    c.ttftMs,
    c.status,
    c.httpStatus,
    c.errorCode,
    new DecimalCell(c.cost),
    // tags are free text: one cell, space-free JSON, neutralised like any text
    JSON.stringify(c.tags),
    c.requestId,
  ]);
}
