export * from './ledger.module';
export * from './ledger-cut';
export * from './repricing/reprice-usage';
export * from './period-close/close-period';
export * from './period-close/statement.reader';
export * from './dto/ledger.types';
