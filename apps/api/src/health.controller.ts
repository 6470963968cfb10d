import { Controller, Get, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { Public } from '@app/auth';
import { ClickHouseGateway } from '@app/clickhouse';

type Check = { status: 'up' | 'down'; error?: string };

async function check(fn: () => Promise<unknown>): Promise<Check> {
  try {
    await fn();
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', error: (error as Error).message };
  }
}

@Controller('health')
export class HealthController {
  constructor(
    private readonly clickhouse: ClickHouseGateway,
    private readonly kafka: Kafka,
    @InjectDataSource() private readonly postgres: DataSource,
  ) {}

  @Public()
  @Get()
  async health(@Res() res: Response): Promise<void> {
    const [clickhouse, kafka, postgres] = await Promise.all([
      check(async () => {
        if (!(await this.clickhouse.ping())) throw new Error('ping failed');
      }),
      check(async () => {
        const admin = this.kafka.admin();
        await admin.connect();
        try {
          await admin.describeCluster();
        } finally {
          await admin.disconnect();
        }
      }),
      check(() => this.postgres.query('SELECT 1')),
    ]);
    const dependencies = { clickhouse: { ...clickhouse, mode: this.clickhouse.mode }, kafka, postgres };
    const up = [clickhouse, kafka, postgres].every((c) => c.status === 'up');
    res.status(up ? 200 : 503).json({ status: up ? 'ok' : 'degraded', dependencies });
  }
}
