import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { QuotaType, toQuota } from '../graphql-types';
import { QuotaRepository, quotaSubject } from '../persistence';
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
    return Promise.all(
      rows.map(async (row) => {
        const quota = toQuota(row);
        const { column, id } = quotaSubject(row);
        const used = await this.quotaUse.used(quota.teamId, column, id, quota.unit, quota.period, now);
        const percentUsed = quota.limit > 0 ? (100 * used) / quota.limit : used > 0 ? 100 : 0;
        return { quota, used, remaining: quota.limit - used, percentUsed };
      }),
    );
  }
}
