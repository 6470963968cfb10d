import { Injectable } from '@nestjs/common';

/** A key's tightest budget as the gateway sees it: money as exact decimal strings. */
export interface KeyBudgetStatus {
  amount: string;
  spent: string;
  remaining: string;
  exceeded: boolean;
}

export interface BudgetedKey {
  teamId: string;
  userId: string;
  apiKeyId: string;
}

export type KeyBudgetLookup = (key: BudgetedKey, now: number) => Promise<KeyBudgetStatus | null>;

/**
 * Where key verification asks for a key's budget. Budgets live in the alerts context, which
 * depends on this one (it reads teams and usage), so the alerts module plugs its lookup in here
 * at start instead of this module importing it; without it, verification answers no budget.
 */
@Injectable()
export class KeyBudgets {
  private lookup?: KeyBudgetLookup;

  provide(lookup: KeyBudgetLookup): void {
    this.lookup = lookup;
  }

  forKey(key: BudgetedKey, now: number): Promise<KeyBudgetStatus | null> {
    return this.lookup ? this.lookup(key, now) : Promise.resolve(null);
  }
}
