import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { GRAPHQL_PATH } from '../graphql/graphql.options';
import { graphiqlMiddleware, WebController } from './web.controller';

/**
 * Serves the dashboard built from apps/web at `/`, and GraphiQL at GET /graphql for browsers
 * (Nest registers middleware before Apollo's own handler, which serves every GraphQL request).
 */
@Module({ controllers: [WebController] })
export class WebModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(graphiqlMiddleware()).forRoutes({ path: GRAPHQL_PATH, method: RequestMethod.GET });
  }
}
