import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { dataSourceOptions } from './data-source';
import { ensureDatabase } from './ensure-database';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => {
        await ensureDatabase(config.postgres.url);
        return { ...dataSourceOptions(config.postgres), autoLoadEntities: true, migrationsRun: config.runMigrations };
      },
    }),
  ],
})
export class DatabaseModule {}
