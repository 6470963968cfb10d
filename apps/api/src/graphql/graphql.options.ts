import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import { ExecutionResult, GraphQLError, GraphQLSchema, parse, specifiedRules, validate } from 'graphql';
import { AuthService, bearerToken, guardSchema, Principal } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { formatGraphQLError } from '@app/errors';
import { MembershipReader, OBJECT_ACCESS_RULES, TeamsModule, Viewer } from '@app/teams';
import { deadlinePlugin } from './deadline';
import { inputStringsPlugin } from './input-strings';
import { OperationLimits, operationLimitsRule } from './operation-limits';

export const GRAPHQL_PATH = '/graphql';

const USAGE_READ = 250;
const USAGE_SERIES = 500;

/**
 * What one operation may ask for. A seed page's heaviest request (a breakdown page with its KPIs
 * and trend) costs about 1,500; at most twenty usage reads (or ten series) go in one request.
 */
export const OPERATION_LIMITS: OperationLimits = {
  maxDepth: 12,
  maxAliases: 40,
  maxFields: 600,
  maxCost: 5000,
  assumedListSize: 5,
  fieldWeights: {
    usageSummary: USAGE_READ,
    myUsage: USAGE_READ,
    usageLive: USAGE_READ,
    callLogs: USAGE_READ,
    callLog: USAGE_READ,
    // a drop-down's values: one grouped read
    usageDimensionValues: USAGE_READ,
    usageTrend: USAGE_SERIES,
    usageRanking: USAGE_SERIES,
    usageBreakdown: USAGE_SERIES,
    costReport: USAGE_SERIES,
    // each budget's spend is a usage read (cached a few seconds per budget)
    budgets: USAGE_READ,
  },
};
const MAX_TOKENS = 10_000;
const DEADLINE_MS = 15_000;

interface WsContext {
  connectionParams?: Record<string, unknown>;
  extra: { principal?: Principal };
}

function wsAuthorization(params: Record<string, unknown> | undefined): string | undefined {
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === 'string' ? value : undefined;
}

/**
 * GraphQL over HTTP and graphql-ws: every object type guarded by its access rule wherever it
 * is reached, operations measured before they run, strings checked once, a deadline per
 * request; introspection and stack traces only in development.
 */
export const GraphQLApiModule = GraphQLModule.forRootAsync<ApolloDriverConfig>({
  driver: ApolloDriver,
  imports: [TeamsModule],
  inject: [APP_CONFIG, AuthService, MembershipReader],
  useFactory: (config: AppConfig, auth: AuthService, memberships: MembershipReader): ApolloDriverConfig => {
    const viewers = new WeakMap<object, Viewer>();
    const viewerOf = (context: unknown): Viewer => {
      const req = (context as { req: { principal?: Principal } }).req;
      let viewer = viewers.get(req);
      if (!viewer) {
        viewer = Viewer.of(req.principal, memberships);
        viewers.set(req, viewer);
      }
      return viewer;
    };
    const development = config.env === 'development';
    const limits = operationLimitsRule(OPERATION_LIMITS);
    let served: GraphQLSchema | undefined;
    return {
      path: GRAPHQL_PATH,
      autoSchemaFile: true,
      sortSchema: true,
      introspection: development,
      playground: development,
      includeStacktraceInErrorResponses: development,
      parseOptions: { maxTokens: MAX_TOKENS },
      validationRules: [limits],
      plugins: [inputStringsPlugin, deadlinePlugin(DEADLINE_MS)],
      transformSchema: (schema) => (served = guardSchema(schema, OBJECT_ACCESS_RULES, viewerOf)),
      // HTTP requests carry their headers; graphql-ws connections were authenticated in onConnect
      context: (ctx: { req?: unknown } & Partial<WsContext>) =>
        ctx.req
          ? { req: ctx.req }
          : {
              req: {
                headers: { authorization: wsAuthorization(ctx.connectionParams) },
                principal: ctx.extra?.principal,
              },
              connection: ctx.extra,
            },
      subscriptions: {
        'graphql-ws': {
          // a connection without a person's valid token is closed at once (4403 Forbidden)
          onConnect: async (ctx: { connectionParams?: Record<string, unknown>; extra: unknown }) => {
            const principal = await auth.authenticate(bearerToken(wsAuthorization(ctx.connectionParams)));
            if (principal?.kind !== 'user') return false;
            (ctx.extra as WsContext['extra']).principal = principal;
            return true;
          },
          // errors over graphql-ws carry the same codes and masking as over HTTP
          onNext: (_ctx: unknown, _id: string, _payload: unknown, _args: unknown, result: ExecutionResult) =>
            result.errors ? { ...result, errors: result.errors.map((e) => formatGraphQLError(e.toJSON(), e)) } : result,
          // graphql-ws validates with graphql's own rules only: the same limits are applied here
          onSubscribe: (_ctx: unknown, _id: string, payload: { query: string }) => {
            try {
              const errors = validate(served!, parse(payload.query, { maxTokens: MAX_TOKENS }), [
                ...specifiedRules,
                limits,
              ]);
              return errors.length ? errors : undefined;
            } catch (error) {
              return [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
            }
          },
        },
      },
      formatError: formatGraphQLError,
    };
  },
});
