import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { QuotaType, toQuota } from '../graphql-types';
import { QuotaRepository } from '../persistence';
import { QuotaUseReader } from '../quota-use.reader';

/** A quota with its use in the current period (UTC day or month). */
export interface QuotaStatus {
  quota: QuotaType;
  used: number;
  remaining: number;
  /** 0 to 100 and beyond */
  percentUsed: number;
}

/** The quotas a person is held to: on them and on their keys, with how much of each is used. */
@Injectable()
export class QuotaStatusReader {
  private readonly quotas: QuotaRepository;

  constructor(
    @InjectDataSource() postgres: DataSource,
    private readonly quotaUse: QuotaUseReader,
  ) {
    this.quotas = new QuotaRepository(postgres);
  }

  /** `teamId` null: in every team. */
  async onUserAndTheirKeys(userId: string, teamId: string | null, now = Date.now()): Promise<QuotaStatus[]> {
    const rows = await this.quotas.onUserOrTheirKeys(userId, teamId);
    const used = await this.quotaUse.used(rows, now);
    return rows.map((row, i) => {
      const quota = toQuota(row);
      const percentUsed = quota.limit > 0 ? (100 * used[i]) / quota.limit : used[i] > 0 ? 100 : 0;
      return { quota, used: used[i], remaining: quota.limit - used[i], percentUsed };
    });
  }
}
