export * from './model-price.entity';
export * from './cost-calculator';
export * from './price-book';
export * from './pricing.module';
export * from './exact-amount';
