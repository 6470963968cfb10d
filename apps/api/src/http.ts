import { INestApplication, ValidationPipe, ValidationError } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json } from 'express';
import type { AppConfig } from '@app/config';
import { BadUserInputError } from '@app/errors';

function describeValidation(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const where = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => `${where}: ${m}`);
    return [...own, ...describeValidation(e.children ?? [], where)];
  });
}

/**
 * Creates the HTTP application around a root module. /v1/events reads its own body (with
 * its own size limit); every other route gets a JSON parser.
 */
export async function createHttpApp(module: unknown, config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module as never, {
    bodyParser: false,
    bufferLogs: true,
    logger: ['error', 'warn'],
  });
  const jsonParser = json({ limit: '1mb' });
  app.use((req: { path: string }, res: unknown, next: () => void) =>
    req.path.startsWith('/v1/events') ? next() : (jsonParser as unknown as (a: unknown, b: unknown, c: unknown) => void)(req, res, next),
  );
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
