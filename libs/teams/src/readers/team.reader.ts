import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TeamRow, TeamStore, teamStore } from '../persistence';
import { QuotaUseReader } from '../quota-use.reader';
import { TeamLoaders } from './team-loaders';

/** A GraphQL request's context: loaders live as long as its request object. */
export interface RequestContext {
  req: object;
}

/** Reads for the GraphQL types: root lists, and per-request loaders for nested fields. */
@Injectable()
export class TeamReader {
  private readonly store: TeamStore;
  private readonly loadersByRequest = new WeakMap<object, TeamLoaders>();

  constructor(
    @InjectDataSource() postgres: DataSource,
    private readonly quotaUse: QuotaUseReader,
  ) {
    this.store = teamStore(postgres);
  }

  loaders(context: RequestContext): TeamLoaders {
    let loaders = this.loadersByRequest.get(context.req);
    if (!loaders) {
      loaders = new TeamLoaders(this.store, this.quotaUse);
      this.loadersByRequest.set(context.req, loaders);
    }
    return loaders;
  }

  allTeams(): Promise<TeamRow[]> {
    return this.store.teams.all();
  }

  teamsOf(userId: string): Promise<TeamRow[]> {
    return this.store.teams.ofMember(userId);
  }

  async isMember(teamId: string, userId: string): Promise<boolean> {
    return (await this.store.memberships.roleOf(teamId, userId)) !== null;
  }
}
