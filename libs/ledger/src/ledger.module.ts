import { Module } from '@nestjs/common';
import { AnalyticsModule } from '@app/analytics';
import { TeamsModule } from '@app/teams';
import { LedgerResolver } from './ledger.resolver';
import { ClosePeriod } from './period-close/close-period';
import { LedgerReads } from './period-close/ledger-reads';
import { StatementReader } from './period-close/statement.reader';
import { RepriceUsage } from './repricing/reprice-usage';

/** Finance's ledger: repricing stored events, closing periods, statements with their restatements. */
@Module({
  imports: [TeamsModule, AnalyticsModule],
  providers: [RepriceUsage, LedgerReads, ClosePeriod, StatementReader, LedgerResolver],
  exports: [RepriceUsage, ClosePeriod, StatementReader],
})
export class LedgerModule {}
