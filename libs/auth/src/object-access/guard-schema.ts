import {
  defaultFieldResolver,
  getNamedType,
  getNullableType,
  GraphQLFieldResolver,
  GraphQLSchema,
  isListType,
  isObjectType,
} from 'graphql';
import { ForbiddenError } from '../auth.errors';

/** May this viewer read this object? The object is the resolved value, as resolvers return it. */
export type ObjectRule<Viewer> = (object: never, viewer: Viewer) => boolean | Promise<boolean>;

export interface ObjectAccessRules<Viewer> {
  /** Object types that carry data of a team or a person: each is checked wherever it is reached. */
  entities: Record<string, ObjectRule<Viewer>>;
  /**
   * Object types that need no rule of their own, with the reason: answers computed from a filter
   * that its root field scoped already, envelopes (connections, edges, created-secret wrappers)
   * whose entity fields are checked by the entity's rule.
   */
  values: Record<string, string>;
}

export class MissingAccessRuleError extends Error {}

/**
 * Applies one rule per object type wherever that type is reached: every field of the schema,
 * at any depth, whose type is an entity (or a list of it) has its answer checked against the
 * entity's rule. Lists drop what the viewer may not read; a single object the viewer may not
 * read is FORBIDDEN. A type with neither a rule nor a reason stops the schema from being served.
 */
export function guardSchema<Viewer>(
  schema: GraphQLSchema,
  rules: ObjectAccessRules<Viewer>,
  viewerOf: (context: unknown) => Viewer,
): GraphQLSchema {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    if (!roots.has(type) && !(type.name in rules.entities) && !(type.name in rules.values)) missing.push(type.name);
    for (const field of Object.values(type.getFields())) {
      const typeName = getNamedType(field.type).name;
      const rule = rules.entities[typeName];
      if (!rule) continue;
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      const isList = isListType(getNullableType(field.type));
      field.resolve = async (source, args, context, info) => {
        const answer = await resolve(source, args, context, info);
        return admit(answer, isList, rule, () => viewerOf(context), typeName);
      };
    }
  }
  if (missing.length) {
    throw new MissingAccessRuleError(`GraphQL types without an access rule: ${missing.sort().join(', ')}`);
  }
  return schema;
}

async function admit<Viewer>(
  answer: unknown,
  isList: boolean,
  rule: ObjectRule<Viewer>,
  viewerOf: () => Viewer,
  typeName: string,
): Promise<unknown> {
  // Nest's exception filters hand a refused resolver's error back as its answer
  if (answer === null || answer === undefined || answer instanceof Error) return answer;
  const viewer = viewerOf();
  if (isList) {
    const items = answer as unknown[];
    const allowed = await Promise.all(items.map((item) => Promise.resolve(rule(item as never, viewer))));
    return items.filter((_, i) => allowed[i]);
  }
  if (!(await rule(answer as never, viewer))) throw new ForbiddenError(`you may not read this ${typeName}`);
  return answer;
}
