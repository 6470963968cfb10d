import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { DomainError, ErrorCode } from './domain-error';

export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  UNAUTHENTICATED: HttpStatus.UNAUTHORIZED,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  BAD_USER_INPUT: HttpStatus.BAD_REQUEST,
  NOT_FOUND: HttpStatus.NOT_FOUND,
  CONFLICT: HttpStatus.CONFLICT,
  RANGE_TOO_LARGE: HttpStatus.BAD_REQUEST,
  PAYLOAD_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  QUERY_TOO_COMPLEX: HttpStatus.BAD_REQUEST,
  RATE_LIMITED: HttpStatus.TOO_MANY_REQUESTS,
};

const CODE_BY_HTTP_STATUS: Record<number, ErrorCode> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
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
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'unexpected GraphQL error', error: String(original) }) + '\n');
  return { message: 'internal error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/** REST: domain errors become 4xx JSON bodies `{ error: { code, message, ... } }`. */
@Catch(DomainError)
export class DomainErrorFilter implements ExceptionFilter {
  catch(error: DomainError, host: ArgumentsHost): unknown {
    // GraphQL errors are shaped by formatGraphQLError; hand them back to Apollo.
    if (host.getType() !== 'http') return error;
    const res = host.switchToHttp().getResponse<{ status(n: number): { json(b: unknown): void } }>();
    res.status(HTTP_STATUS_BY_CODE[error.code]).json({ error: { code: error.code, message: error.message, ...(error.details ?? {}) } });
    return undefined;
  }
}
