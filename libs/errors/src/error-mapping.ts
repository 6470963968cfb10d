import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { logger } from '@app/observability/logger';
import { DomainError, ErrorCode, RateLimitedError } from './domain-error';

export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  UNAUTHENTICATED: HttpStatus.UNAUTHORIZED,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  BAD_USER_INPUT: HttpStatus.BAD_REQUEST,
  NOT_FOUND: HttpStatus.NOT_FOUND,
  CONFLICT: HttpStatus.CONFLICT,
  RANGE_TOO_LARGE: HttpStatus.BAD_REQUEST,
  PAYLOAD_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  RATE_LIMITED: HttpStatus.TOO_MANY_REQUESTS,
  QUERY_TOO_COMPLEX: HttpStatus.BAD_REQUEST,
};

/** Codes a REST body may carry: the domain's, and the masked one of unexpected errors. */
export type RestErrorCode = ErrorCode | 'INTERNAL_SERVER_ERROR';

const CODE_BY_HTTP_STATUS: Record<number, ErrorCode> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
};

/** GraphQL: domain errors keep their code and message; anything unexpected is masked. */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  let original = unwrapResolverError(error);
  // validation rules and plugins carry their domain error inside a GraphQLError
  while (original instanceof GraphQLError && original.originalError) original = original.originalError;
  if (formatted.extensions?.code === 'GRAPHQL_PARSE_FAILED' && /more tha[nt] \d+ tokens/.test(formatted.message)) {
    return { message: formatted.message, extensions: { code: 'QUERY_TOO_COMPLEX' } };
  }
  if (original instanceof DomainError) {
    return {
      message: original.message,
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: original.code, ...(original.details ?? {}) },
    };
  }
  if (original instanceof HttpException) {
    const code = CODE_BY_HTTP_STATUS[original.getStatus()] ?? 'INTERNAL_SERVER_ERROR';
    return { message: original.message, path: formatted.path, extensions: { code } };
  }
  const code = formatted.extensions?.code;
  if (code && code !== 'INTERNAL_SERVER_ERROR') return formatted;
  logger.error('unexpected GraphQL error', { error: String(original) });
  return { message: 'internal error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

interface RestResponse {
  headersSent: boolean;
  setHeader(name: string, value: string): void;
  removeHeader(name: string): void;
  status(n: number): { json(b: unknown): void };
  destroy(): void;
}

/** The one REST error body: `{ error: { code, message, ...details } }`. */
export function restErrorBody(code: RestErrorCode, message: string, details?: Record<string, unknown>) {
  return { error: { code, message, ...(details ?? {}) } };
}

function logUnexpected(error: unknown): void {
  const fields = error instanceof Error ? { error: error.message, stack: error.stack } : { error: String(error) };
  logger.error('unexpected REST error', fields);
}

/**
 * REST: every error answers `{ error: { code, message } }`: domain errors with their code and
 * status, Nest's HttpExceptions (unknown routes, body parsing) by status, anything else as a
 * masked 500 whose details go to the log only. GraphQL errors go back to Apollo
 * (formatGraphQLError shapes them).
 */
@Catch()
export class RestErrorFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): unknown {
    if (host.getType() !== 'http') return error;
    const res = host.switchToHttp().getResponse<RestResponse>();
    if (!res.headersSent) {
      // a route's own @Header (text/plain of /metrics) must not label the JSON error
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.removeHeader('Content-Disposition');
    }
    if (res.headersSent) {
      // a streamed answer (CSV export) failed midway: the status is gone; a cut connection tells
      // the client the file is incomplete, where a clean end would pass it off as whole
      logUnexpected(error);
      res.destroy();
      return undefined;
    }
    if (error instanceof DomainError) {
      if (error instanceof RateLimitedError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
      res.status(HTTP_STATUS_BY_CODE[error.code]).json(restErrorBody(error.code, error.message, error.details));
      return undefined;
    }
    if (error instanceof HttpException && error.getStatus() < 500) {
      const status = error.getStatus();
      res.status(status).json(restErrorBody(CODE_BY_HTTP_STATUS[status] ?? 'BAD_USER_INPUT', error.message));
      return undefined;
    }
    logUnexpected(error);
    res.status(HttpStatus.INTERNAL_SERVER_ERROR).json(restErrorBody('INTERNAL_SERVER_ERROR', 'internal error'));
    return undefined;
  }
}
