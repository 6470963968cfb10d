import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '@app/auth';
import { DependencyHealth } from './dependency-health';

@Controller('health')
export class HealthController {
  constructor(private readonly dependencies: DependencyHealth) {}

  /** The state the background probes recorded last: no connection, no waiting, no error text. */
  @Public()
  @Get()
  health(@Res() res: Response): void {
    const report = this.dependencies.report();
    res.setHeader('Cache-Control', 'no-store');
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  }
}
