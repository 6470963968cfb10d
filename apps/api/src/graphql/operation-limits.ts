import {
  ASTVisitor,
  FieldNode,
  FragmentDefinitionNode,
  getNamedType,
  getNullableType,
  GraphQLError,
  GraphQLObjectType,
  isListType,
  isObjectType,
  Kind,
  OperationDefinitionNode,
  OperationTypeNode,
  SelectionSetNode,
  ValidationContext,
  ValidationRule,
} from 'graphql';
import { QueryTooComplexError } from '@app/errors';

export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxFields: number;
  maxCost: number;
  /** what a field costs, by field name (usage queries scan rollups; name lookups do not) */
  fieldWeights: Record<string, number>;
  /** objects a list is assumed to hold when no `first` or `limit` argument says */
  assumedListSize: number;
}

export interface OperationMeasure {
  depth: number;
  aliases: number;
  fields: number;
  cost: number;
}

const PAGE_ARGUMENTS = new Set(['first', 'limit']);
const MAX_PAGE_ESTIMATE = 1000;

/**
 * Measures an operation after its fragments are expanded: its depth, aliases, fields and cost
 * (each field's weight times the objects it is estimated to be resolved for). Stops counting
 * once a limit is passed, so a hostile document costs the server no more than the limit.
 */
export function measureOperation(
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  rootType: GraphQLObjectType | null | undefined,
  limits: OperationLimits,
): OperationMeasure {
  const measure: OperationMeasure = { depth: 0, aliases: 0, fields: 0, cost: 0 };
  const over = () =>
    measure.depth > limits.maxDepth || measure.fields > limits.maxFields || measure.aliases > limits.maxAliases;

  const walk = (
    set: SelectionSetNode,
    type: GraphQLObjectType | undefined,
    depth: number,
    times: number,
    seen: string[],
  ) => {
    measure.depth = Math.max(measure.depth, depth);
    for (const selection of set.selections) {
      if (over()) return;
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments[name];
        if (!fragment || seen.includes(name)) continue; // unknown or cyclic: graphql's own rules refuse it
        walk(fragment.selectionSet, type, depth, times, [...seen, name]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, type, depth, times, seen);
      } else {
        visitField(selection, type, depth, times, seen);
      }
    }
  };

  const visitField = (
    field: FieldNode,
    parent: GraphQLObjectType | undefined,
    depth: number,
    times: number,
    seen: string[],
  ) => {
    measure.fields += 1;
    if (field.alias && field.alias.value !== field.name.value) measure.aliases += 1;
    measure.cost += (limits.fieldWeights[field.name.value] ?? 1) * times;
    if (!field.selectionSet) return;
    const definition = parent?.getFields()[field.name.value];
    const named = definition ? getNamedType(definition.type) : undefined;
    const isList = definition ? isListType(getNullableType(definition.type)) : false;
    const childTimes = isList ? times * pageSize(field, limits.assumedListSize) : times;
    walk(field.selectionSet, isObjectType(named) ? named : undefined, depth + 1, childTimes, seen);
  };

  walk(operation.selectionSet, rootType ?? undefined, 1, 1, []);
  return measure;
}

function pageSize(field: FieldNode, assumed: number): number {
  const argument = field.arguments?.find((a) => PAGE_ARGUMENTS.has(a.name.value));
  if (argument?.value.kind === Kind.INT) return Math.min(Math.max(Number(argument.value.value), 1), MAX_PAGE_ESTIMATE);
  return assumed;
}

function rootTypeOf(
  context: ValidationContext,
  operation: OperationDefinitionNode,
): GraphQLObjectType | null | undefined {
  const schema = context.getSchema();
  if (operation.operation === OperationTypeNode.MUTATION) return schema.getMutationType();
  if (operation.operation === OperationTypeNode.SUBSCRIPTION) return schema.getSubscriptionType();
  return schema.getQueryType();
}

/** The limits as a validation rule: a refused operation never starts, and says which limit it passed. */
export function operationLimitsRule(limits: OperationLimits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    Document: {
      leave(document) {
        const fragments: Record<string, FragmentDefinitionNode> = {};
        for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
        for (const d of document.definitions) {
          if (d.kind !== Kind.OPERATION_DEFINITION) continue;
          const m = measureOperation(d, fragments, rootTypeOf(context, d), limits);
          const problem =
            m.depth > limits.maxDepth
              ? `depth over ${limits.maxDepth}`
              : m.aliases > limits.maxAliases
                ? `more than ${limits.maxAliases} aliases`
                : m.fields > limits.maxFields
                  ? `more than ${limits.maxFields} fields`
                  : m.cost > limits.maxCost
                    ? `estimated cost ${m.cost} over ${limits.maxCost}`
                    : undefined;
          if (problem) {
            const name = d.name ? ` ${d.name.value}` : '';
            const error = new QueryTooComplexError(`operation${name}: ${problem}`, { ...m });
            context.reportError(
              new GraphQLError(error.message, { nodes: [d], originalError: error, extensions: { code: error.code } }),
            );
          }
        }
      },
    },
  });
}
