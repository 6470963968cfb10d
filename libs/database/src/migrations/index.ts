import { ModelPrices1000000000001 } from './1000000000001-ModelPrices';

/** Every Postgres migration, in order. Forward-only: add a file, never edit an applied one. */
export const POSTGRES_MIGRATIONS = [ModelPrices1000000000001];
