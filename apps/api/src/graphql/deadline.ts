import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { QueryTooComplexError } from '@app/errors';

/**
 * A request that runs past its deadline resolves no further field: what is resolved is
 * answered, the rest is null with QUERY_TOO_COMPLEX. (A usage read already running finishes.)
 */
export function deadlinePlugin(deadlineMs: number): ApolloServerPlugin {
  return {
    requestDidStart() {
      const deadline = Date.now() + deadlineMs;
      return Promise.resolve({
        executionDidStart() {
          return Promise.resolve({
            willResolveField() {
              if (Date.now() > deadline) {
                const error = new QueryTooComplexError(`the request ran past its deadline of ${deadlineMs} ms`);
                throw new GraphQLError(error.message, { originalError: error });
              }
            },
          });
        },
      });
    },
  };
}
