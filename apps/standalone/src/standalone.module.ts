import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { ApiModule } from '@app/api/api.module';
import { WORKER_FEATURE_MODULES } from '@app/ingest-worker/worker.module';

/** API and ingest worker in one process: the embedded ClickHouse allows one process per data dir. */
@Module({})
export class StandaloneModule {
  static register(config?: AppConfig): DynamicModule {
    const api = ApiModule.register(config);
    return { ...api, module: StandaloneModule, imports: [...(api.imports ?? []), ...WORKER_FEATURE_MODULES] };
  }
}
