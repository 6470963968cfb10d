import { Args, Float, ID, Mutation, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Principal } from '@app/auth';
import { ApiKeyType, CreatedApiKeyType, QuotaType, toApiKey, toQuota } from '../graphql-types';
import {
  buildCommand,
  CreateApiKey,
  CreateApiKeyCommand,
  DeleteQuota,
  DeleteQuotaCommand,
  ResumeApiKey,
  ResumeApiKeyCommand,
  RevokeApiKey,
  RevokeApiKeyCommand,
  SetQuota,
  SetQuotaCommand,
  SuspendApiKey,
  SuspendApiKeyCommand,
} from '../usecases';
import { actorOf } from './actor';

/** API keys and the quotas that limit them. */
@Resolver()
export class KeyMutationsResolver {
  constructor(
    private readonly createApiKeyUseCase: CreateApiKey,
    private readonly revokeApiKeyUseCase: RevokeApiKey,
    private readonly setQuotaUseCase: SetQuota,
    private readonly suspendApiKeyUseCase: SuspendApiKey,
    private readonly resumeApiKeyUseCase: ResumeApiKey,
    private readonly deleteQuotaUseCase: DeleteQuota,
  ) {}

  @Mutation(() => CreatedApiKeyType)
  async createApiKey(
    @CurrentPrincipal() principal: Principal,
    @Args('name') name: string,
    @Args('teamId', { type: () => ID, nullable: true }) teamId?: string,
    @Args('expiresAt', { type: () => Date, nullable: true }) expiresAt?: Date,
    @Args('test', { type: () => Boolean, nullable: true }) test?: boolean,
    @Args('forUserId', { type: () => ID, nullable: true }) forUserId?: string,
  ): Promise<CreatedApiKeyType> {
    const command = buildCommand(CreateApiKeyCommand, { teamId, name, expiresAt, test, forUserId });
    const { key, secret } = await this.createApiKeyUseCase.execute(command, actorOf(principal));
    return { apiKey: toApiKey(key), secret };
  }

  @Mutation(() => ApiKeyType)
  async revokeApiKey(
    @CurrentPrincipal() principal: Principal,
    @Args('apiKeyId', { type: () => ID }) apiKeyId: string,
  ): Promise<ApiKeyType> {
    const command = buildCommand(RevokeApiKeyCommand, { apiKeyId });
    return toApiKey(await this.revokeApiKeyUseCase.execute(command, actorOf(principal)));
  }

  @Mutation(() => ApiKeyType, { description: 'refused at verification (reason suspended) until resumed' })
  async suspendApiKey(
    @CurrentPrincipal() principal: Principal,
    @Args('apiKeyId', { type: () => ID }) apiKeyId: string,
  ): Promise<ApiKeyType> {
    const command = buildCommand(SuspendApiKeyCommand, { apiKeyId });
    return toApiKey(await this.suspendApiKeyUseCase.execute(command, actorOf(principal)));
  }

  @Mutation(() => ApiKeyType, { description: 'a revoked key is never resumed' })
  async resumeApiKey(
    @CurrentPrincipal() principal: Principal,
    @Args('apiKeyId', { type: () => ID }) apiKeyId: string,
  ): Promise<ApiKeyType> {
    const command = buildCommand(ResumeApiKeyCommand, { apiKeyId });
    return toApiKey(await this.resumeApiKeyUseCase.execute(command, actorOf(principal)));
  }

  @Mutation(() => QuotaType, { description: 'neither userId nor apiKeyId: a quota on the whole team' })
  async setQuota(
    @CurrentPrincipal() principal: Principal,
    @Args('teamId', { type: () => ID }) teamId: string,
    @Args('unit') unit: string,
    @Args('period') period: string,
    @Args('limit', { type: () => Float }) limit: number,
    @Args('userId', { type: () => ID, nullable: true }) userId?: string,
    @Args('apiKeyId', { type: () => ID, nullable: true }) apiKeyId?: string,
  ): Promise<QuotaType> {
    const command = buildCommand(SetQuotaCommand, {
      teamId,
      userId,
      apiKeyId,
      unit: unit.toUpperCase(),
      period: period.toUpperCase(),
      limit,
    });
    return toQuota(await this.setQuotaUseCase.execute(command, actorOf(principal)));
  }

  @Mutation(() => Boolean)
  deleteQuota(
    @CurrentPrincipal() principal: Principal,
    @Args('quotaId', { type: () => ID }) quotaId: string,
  ): Promise<boolean> {
    return this.deleteQuotaUseCase.execute(buildCommand(DeleteQuotaCommand, { quotaId }), actorOf(principal));
  }
}
