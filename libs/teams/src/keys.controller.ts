import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ForService } from '@app/auth';
import { BadUserInputError } from '@app/errors';
import { KeyVerificationService, VerifyResult } from './key-verification.service';

@Controller('v1/keys')
export class KeysController {
  constructor(private readonly verification: KeyVerificationService) {}

  /** For the model gateway (service token): may this key call a model now, and why not. */
  @Post('verify')
  @HttpCode(200)
  @ForService()
  verify(@Body() body: unknown): Promise<VerifyResult> {
    const key = (body as { key?: unknown } | null)?.key;
    if (typeof key !== 'string' || key.length < 8 || key.length > 200)
      throw new BadUserInputError('key: a string of 8 to 200 characters');
    return this.verification.verify(key);
  }
}
