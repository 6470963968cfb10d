import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Expensive, Principal } from '@app/auth';
import { csvLine, CsvValue, DecimalCell } from '@app/analytics';
import type { QueryParams } from '@app/clickhouse';
import { BadUserInputError } from '@app/errors';
import { SqlAnswer, SqlRunner } from './sql-runner';

interface SqlBody {
  query?: unknown;
  params?: unknown;
  teamId?: unknown;
  maxRows?: unknown;
}

const NUMERIC_TYPE = /^(Nullable\()?(U?Int\d+|Float\d+|Decimal(\d+)?\(|Bool)/;
const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;
const ROWS_PER_CHUNK = 1000;

/** POST /v1/sql: the same runner as the `sql` query; JSON, or CSV with `Accept: text/csv`. */
@Controller('v1')
export class SqlController {
  constructor(private readonly runner: SqlRunner) {}

  @Post('sql')
  @Expensive(5)
  async sql(
    @CurrentPrincipal() principal: Principal,
    @Body() body: SqlBody,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const { query, params, teamId, maxRows } = body ?? {};
    if (typeof query !== 'string' || !query.trim()) throw new BadUserInputError('query: an SQL SELECT');
    if (params !== undefined && params !== null && (typeof params !== 'object' || Array.isArray(params)))
      throw new BadUserInputError('params: an object of values');
    if (teamId !== undefined && teamId !== null && typeof teamId !== 'string')
      throw new BadUserInputError('teamId: an id');
    if (maxRows !== undefined && maxRows !== null && typeof maxRows !== 'number')
      throw new BadUserInputError('maxRows: a number');
    const answer = await this.runner.run(principal, req, {
      query,
      params: (params ?? null) as QueryParams | null,
      teamId: teamId ?? null,
      maxRows: maxRows ?? null,
    });
    if (req.accepts(['application/json', 'text/csv']) === 'text/csv') return this.csv(res, answer);
    res.status(200).json(answer);
  }

  /** Written in chunks, waiting for the socket to drain, with every text cell neutralised (csv-cell). */
  private async csv(res: Response, answer: SqlAnswer): Promise<void> {
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="sql.csv"');
    res.setHeader('X-Truncated', String(answer.truncated));
    res.write(csvLine(answer.columns.map((c) => c.name)));
    const numeric = answer.columns.map((c) => NUMERIC_TYPE.test(c.type));
    for (let start = 0; start < answer.rows.length; start += ROWS_PER_CHUNK) {
      const lines = answer.rows
        .slice(start, start + ROWS_PER_CHUNK)
        .map((row) => csvLine(row.map((v, i) => cell(v, numeric[i]))));
      if (!res.write(lines.join(''))) await drained(res);
      if (res.destroyed) return;
    }
    res.end();
  }
}

/** A number column's value stays a number; anything else is text (arrays as JSON), neutralised. */
function cell(value: unknown, numeric: boolean): CsvValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (numeric && typeof value === 'string' && DECIMAL_TEXT.test(value)) return new DecimalCell(value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Until the socket takes more, or the client went away (then nothing more is written). */
function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
