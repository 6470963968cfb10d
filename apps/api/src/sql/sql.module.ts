import { Module } from '@nestjs/common';
import { TeamsModule } from '@app/teams';
import { SqlController } from './sql.controller';
import { SqlResolver } from './sql.resolver';
import { SqlRunner } from './sql-runner';
import { SqlStore } from './sql-store';

/** Ad hoc SQL for SREs, finance and team managers (README "Ad hoc SQL"). */
@Module({
  imports: [TeamsModule],
  controllers: [SqlController],
  providers: [SqlRunner, SqlStore, SqlResolver],
})
export class SqlModule {}
