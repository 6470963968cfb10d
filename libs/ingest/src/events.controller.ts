import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ForService } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { BadUserInputError, PayloadTooLargeError } from '@app/errors';
import { CallEventIntakeService, IntakeResult } from './call-event-intake.service';

@Controller('v1/events')
export class EventsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly intake: CallEventIntakeService,
  ) {}

  @Post()
  @HttpCode(202)
  // usage is billed from these events: only the model gateway may state them, not a person
  @ForService()
  async ingest(@Req() req: Request): Promise<IntakeResult> {
    const text = await readBody(req, this.config.ingest.maxBodyBytes);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new BadUserInputError(`body: not valid JSON (${(error as Error).message})`);
    }
    return this.intake.accept(body);
  }
}

/** Reads the raw body with a hard size limit (this route has no global body parser). */
function readBody(req: Request, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => failed || resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', (error) => failed || reject(error));
  });
}

function tooLarge(limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`body: larger than ${limit} bytes`, { limit });
}
