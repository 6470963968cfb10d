import type { Repository } from 'typeorm';
import { ModelPrice } from './model-price.entity';

export interface PriceVersion {
  id: string;
  model: string;
  effectiveFrom: number;
  inputPerMillion: string;
  outputPerMillion: string;
  cacheReadPerMillion: string | null;
  cacheWritePerMillion: string | null;
}

/**
 * In-memory view of model_prices for pricing at ingest: the version effective at a call's
 * time. Reloaded every `refreshMs` so a price set through the API applies within that delay
 * (events already priced keep their price version; repricing is a replay).
 */
export class PriceBook {
  private byModel = new Map<string, PriceVersion[]>();
  private loadedAt = 0;
  private loading?: Promise<void>;

  constructor(
    private readonly repository: Repository<ModelPrice>,
    private readonly refreshMs = 10_000,
  ) {}

  async refreshIfStale(now = Date.now()): Promise<void> {
    if (now - this.loadedAt < this.refreshMs) return;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    await this.loading;
  }

  async load(): Promise<void> {
    const rows = await this.repository.find({ order: { model: 'ASC', effectiveFrom: 'ASC' } });
    const byModel = new Map<string, PriceVersion[]>();
    for (const r of rows) {
      const list = byModel.get(r.model) ?? [];
      list.push(toPriceVersion(r));
      byModel.set(r.model, list);
    }
    this.byModel = byModel;
    this.loadedAt = Date.now();
  }

  /** The price in force at `at` (ms), or undefined when the model has none yet. */
  priceAt(model: string, at: number): PriceVersion | undefined {
    return priceIn(this.byModel.get(model) ?? [], at);
  }
}

export function toPriceVersion(r: ModelPrice): PriceVersion {
  return {
    id: r.id,
    model: r.model,
    effectiveFrom: r.effectiveFrom.getTime(),
    inputPerMillion: r.inputPerMillion,
    outputPerMillion: r.outputPerMillion,
    cacheReadPerMillion: r.cacheReadPerMillion,
    cacheWritePerMillion: r.cacheWritePerMillion,
  };
}

/** The version in force at `at` among one model's versions sorted by effectiveFrom (ingest and repricing). */
export function priceIn(versions: readonly PriceVersion[], at: number): PriceVersion | undefined {
  let found: PriceVersion | undefined;
  for (const v of versions) {
    if (v.effectiveFrom <= at) found = v;
    else break;
  }
  return found;
}
