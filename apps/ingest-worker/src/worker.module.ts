import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { IngestWorkerModule } from '@app/ingest';
import { TeamEventsSinkModule } from '@app/teams';
import { PlatformModule } from '@app/platform';

export const WORKER_FEATURE_MODULES = [IngestWorkerModule, TeamEventsSinkModule];

/** The ingest worker process: calls.v1 → ClickHouse, with /metrics on its own port. */
@Module({})
export class WorkerModule {
  static register(config?: AppConfig): DynamicModule {
    return { module: WorkerModule, imports: [PlatformModule.register(config), ...WORKER_FEATURE_MODULES] };
  }
}
