import type { ApolloServerPlugin } from '@apollo/server';
import { DocumentNode, GraphQLError, visit } from 'graphql';
import { BadUserInputError } from '@app/errors';

// a NUL, or a UTF-16 surrogate without its pair: neither Postgres text nor a JSON export can hold them
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function unstorablePath(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path || 'value' : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorablePath(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const found = unstorablePath(key, path) ?? unstorablePath(inner, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return undefined;
}

function literalWithUnstorable(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    StringValue(node) {
      if (UNSTORABLE.test(node.value)) found = true;
    },
  });
  return found;
}

/**
 * Every string a GraphQL request brings, in variables or written in the document, is checked
 * once before anything runs: names, emails, prices and filters that hold a NUL or a lone
 * surrogate are BAD_USER_INPUT instead of a database error deep inside a command.
 */
export const inputStringsPlugin: ApolloServerPlugin = {
  requestDidStart() {
    return Promise.resolve({
      didResolveOperation({ request, document }) {
        const inVariables = unstorablePath(request.variables ?? {});
        if (inVariables || literalWithUnstorable(document)) {
          const where = inVariables ? `variables.${inVariables}` : 'a string argument';
          const error = new BadUserInputError(`${where}: holds a NUL character or an unpaired UTF-16 surrogate`);
          return Promise.reject(
            new GraphQLError(error.message, {
              originalError: error,
              extensions: { code: error.code, http: { status: 400 } },
            }),
          );
        }
        return Promise.resolve();
      },
    });
  },
};
