import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ForService } from '@app/auth';
import { BadUserInputError } from '@app/errors';
import { KeyVerificationService, VerifyResult } from './key-verification.service';

export const KEY_INPUT_RULE = 'key: a string of 8 to 200 characters';

/** The key of a verify request's body, or undefined when the body breaks KEY_INPUT_RULE. */
export function keyOfBody(body: unknown): string | undefined {
  const key = (body as { key?: unknown } | null)?.key;
  return typeof key === 'string' && key.length >= 8 && key.length <= 200 ? key : undefined;
}

/**
 * For the model gateway (service token): may this key call a model now, and why not. The
 * gateway's own requests are answered by VerifyFastPath before they reach this controller; it
 * answers the rest (and is the route's definition for the framework: guards, errors).
 */
@Controller('v1/keys')
export class KeysController {
  constructor(private readonly verification: KeyVerificationService) {}

  @Post('verify')
  @HttpCode(200)
  @ForService()
  verify(@Body() body: unknown): Promise<VerifyResult> {
    const key = keyOfBody(body);
    if (key === undefined) throw new BadUserInputError(KEY_INPUT_RULE);
    return this.verification.verify(key);
  }
}
