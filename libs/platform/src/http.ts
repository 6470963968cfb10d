import { INestApplication, ValidationPipe, ValidationError } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json, NextFunction, Request, Response } from 'express';
import type { AppConfig } from '@app/config';
import { BadUserInputError, DomainError, PayloadTooLargeError, RestErrorFilter } from '@app/errors';
import { logger, requestIdFrom, withRequestId } from '@app/observability';

function describeValidation(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const where = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => `${where}: ${m}`);
    return [...own, ...describeValidation(e.children ?? [], where)];
  });
}

const JSON_BODY_LIMIT = '1mb';

/**
 * body-parser's errors (http-errors objects) as domain errors, so the REST error filter answers
 * them in the one error shape; their own messages are written for clients (`expose`).
 */
export function bodyParserError(error: { status?: number; type?: string; message: string }): DomainError {
  if (error.status === 413) return new PayloadTooLargeError(`body: larger than ${JSON_BODY_LIMIT}`);
  if (error.type === 'entity.parse.failed') return new BadUserInputError('body: not valid JSON');
  return new BadUserInputError(`body: ${error.message}`);
}

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Each request runs with its id (the caller's if sane, else a new one) on its log lines and response. */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const requestId = requestIdFrom(req.headers['x-request-id']);
  res.setHeader(REQUEST_ID_HEADER, requestId);
  withRequestId(requestId, next);
}

/**
 * Creates the HTTP application around a root module. /v1/events reads its own body (with
 * its own size limit); every other route gets a JSON parser.
 */
export async function createHttpApp(module: unknown, config: AppConfig): Promise<INestApplication> {
  logger.setLevel(config.logLevel);
  const app = await NestFactory.create<NestExpressApplication>(module as never, {
    bodyParser: false,
    bufferLogs: true,
    logger,
  });
  app.useLogger(logger);
  // no framework advertisement for scanners
  app.disable('x-powered-by');
  app.use(requestIdMiddleware);
  const jsonParser = json({ limit: JSON_BODY_LIMIT });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.path.startsWith('/v1/events')) return next();
    jsonParser(req, res, (error?: unknown) => (error ? next(bodyParserError(error as Error)) : next()));
  });
  // every process (api, worker, standalone) answers REST errors in the one shape
  app.useGlobalFilters(new RestErrorFilter());
  app.useGlobalPipes(
    new ValidationPipe({
      transform: true,
      forbidUnknownValues: false,
      exceptionFactory: (errors) => new BadUserInputError(describeValidation(errors).join('; ')),
    }),
  );
  app.enableShutdownHooks();
  await app.listen(config.http.port, config.http.host);
  return app;
}
