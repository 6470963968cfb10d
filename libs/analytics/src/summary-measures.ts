import { FieldNode, FragmentDefinitionNode, GraphQLResolveInfo, Kind, SelectionSetNode } from 'graphql';
import { ALL_MEASURES, camelName, Measure, READ_MEASURES, SUMMED_COLUMNS } from '@app/catalog';

/** UsageSummary's computed fields, and the measures each needs besides the request count. */
const COMPUTED: Record<string, readonly Measure[]> = {
  successRate: ['successes'],
  errorRate: ['errors'],
  totalTokens: ['inputTokens', 'outputTokens'],
  activeUsers: ['activeUsers'],
  avgRequestsPerUser: ['activeUsers'],
  latencyP50: ['latency'],
  latencyP95: ['latency'],
  latencyP99: ['latency'],
  ttftP50: ['ttft'],
  ttftP95: ['ttft'],
  ttftP99: ['ttft'],
  businessCalls: ['callsBySource'],
  internalCalls: ['callsBySource'],
  // listed from a second read, made only when the totals count unpriced calls
  unpricedModels: ['unpricedRequests'],
  currency: [],
  __typename: [],
};

const SUMMED_FIELDS = new Set<string>(SUMMED_COLUMNS.map((c) => camelName(c)));

/**
 * The measures a summary must read to answer these fields of UsageSummary: a dashboard's KPI
 * cards ask for five or six of its thirty, and each measure left out is a column the engine
 * neither reads nor sums (the t-digests and distinct users are the costliest). A field it does
 * not know reads every measure.
 */
export function summaryMeasures(fields: Iterable<string>): ReadonlySet<Measure> {
  const measures = new Set<Measure>();
  for (const field of fields) {
    if (field in COMPUTED) COMPUTED[field].forEach((m) => measures.add(m));
    else if (field === 'requests') continue;
    else if (SUMMED_FIELDS.has(field) && field in READ_MEASURES) measures.add(field as Measure);
    else return ALL_MEASURES;
  }
  return measures;
}

/**
 * The names of the fields selected under the resolved field (`path` walks down into one of its
 * object fields first), through inline fragments and named ones: the same field under several
 * aliases counts once. Undefined when `path` names a field that is not selected.
 */
export function selectedFields(info: GraphQLResolveInfo, path: readonly string[] = []): Set<string> | undefined {
  let sets = info.fieldNodes.map((n) => n.selectionSet).filter((s): s is SelectionSetNode => !!s);
  for (const step of path) {
    sets = fieldsOf(sets, info.fragments)
      .filter((f) => f.name.value === step)
      .map((f) => f.selectionSet)
      .filter((s): s is SelectionSetNode => !!s);
    if (sets.length === 0) return undefined;
  }
  return new Set(fieldsOf(sets, info.fragments).map((f) => f.name.value));
}

function fieldsOf(sets: SelectionSetNode[], fragments: Record<string, FragmentDefinitionNode>): FieldNode[] {
  return sets.flatMap((set) =>
    set.selections.flatMap((s): FieldNode[] => {
      if (s.kind === Kind.FIELD) return [s];
      if (s.kind === Kind.INLINE_FRAGMENT) return fieldsOf([s.selectionSet], fragments);
      const fragment = fragments[s.name.value];
      return fragment ? fieldsOf([fragment.selectionSet], fragments) : [];
    }),
  );
}
