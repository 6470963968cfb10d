import type { INestApplication } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import {
  getNamedType,
  getNullableType,
  GraphQLArgument,
  GraphQLEnumType,
  GraphQLField,
  GraphQLObjectType,
  GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  OperationDefinitionNode,
  parse,
} from 'graphql';
import { measureOperation } from '@app/api/graphql/operation-limits';
import { OPERATION_LIMITS } from '@app/api/graphql/graphql.options';
import type { AppConfig } from '@app/config';
import { graphql, startStandalone, TestUser } from '../harness/app';
import { dropDatabase, isolatedConfig } from '../harness/test-env';
import { buildTwoTeams, TwoTeams } from './two-teams';

const DEPTH = 6;
const ALLOWED_REFUSALS = new Set(['FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND', 'RANGE_TOO_LARGE']);

interface SelectionNode {
  name: string;
  children?: SelectionNode[];
}

/** Every field of `type` down to `depth` levels (the root field is level 1); records each field reached. */
function selectionTree(type: GraphQLObjectType, depth: number, reached: Set<string>): SelectionNode[] {
  const nodes: SelectionNode[] = [];
  for (const field of Object.values(type.getFields())) {
    if (field.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
    const named = getNamedType(field.type);
    if (isObjectType(named)) {
      if (depth <= 1) continue;
      const children = selectionTree(named, depth - 1, reached);
      if (children.length === 0) continue;
      nodes.push({ name: field.name, children });
    } else {
      nodes.push({ name: field.name });
    }
    reached.add(`${type.name}.${field.name}`);
  }
  return nodes;
}

const render = (nodes: SelectionNode[]): string =>
  `{ ${nodes.map((n) => (n.children ? `${n.name} ${render(n.children)}` : n.name)).join(' ')} }`;

/**
 * The selection cut into operations that each pass the API's own limits: a subtree too costly
 * for one operation is asked for child by child, under the same path.
 */
function operations(root: string, nodes: SelectionNode[], schema: GraphQLSchema): string[] {
  const wrap = (path: string[], inner: string) => path.reduceRight((acc, name) => `${name} { ${acc} }`, inner);
  const fits = (query: string) => {
    const document = parse(query);
    const operation = document.definitions[0] as OperationDefinitionNode;
    const m = measureOperation(operation, {}, schema.getQueryType(), OPERATION_LIMITS);
    return (
      m.cost <= OPERATION_LIMITS.maxCost &&
      m.fields <= OPERATION_LIMITS.maxFields &&
      m.depth <= OPERATION_LIMITS.maxDepth
    );
  };
  const split = (path: string[], children: SelectionNode[]): string[] => {
    const whole = `{ ${wrap(path, render(children).slice(2, -2))} }`;
    if (fits(whole)) return [whole];
    const leaves = children.filter((c) => !c.children);
    const own = leaves.length ? [`{ ${wrap(path, leaves.map((l) => l.name).join(' '))} }`] : [];
    return [...own, ...children.filter((c) => c.children).flatMap((c) => split([...path, c.name], c.children!))];
  };
  return nodes.length ? split([root], nodes) : [`{ ${root} }`];
}

/** Argument values to try: every id the test knows of both teams, each enum value, filters scoped every way. */
function argumentValues(arg: GraphQLArgument, w: TwoTeams): string[] {
  const type = getNullableType(arg.type);
  const optional = !isNonNullType(arg.type);
  const teamIds = [w.a.id, w.b.id];
  const range = '{ preset: LAST_7_DAYS }';
  let values: string[];
  if (isInputObjectType(type) && type.name === 'UsageFilter') {
    values = [
      `{ range: ${range} }`,
      ...teamIds.map((t) => `{ range: ${range}, teamIds: ["${t}"] }`),
      `{ range: ${range}, userIds: ["${w.memberB.id}"] }`,
      `{ range: ${range}, userIds: ["${w.shared.id}"] }`,
      `{ range: ${range}, apiKeyIds: ["${w.b.keyIds[2]}"] }`,
    ];
  } else if (isInputObjectType(type) && type.name === 'TimeRange') {
    values = [range];
  } else if (isEnumType(type)) {
    values = type.getValues().map((v) => v.name);
  } else if (isListType(type) && isEnumType(getNamedType(type))) {
    // every value at once: one request reads them all
    values = [
      `[${(getNamedType(type) as GraphQLEnumType)
        .getValues()
        .map((v) => v.name)
        .join(', ')}]`,
    ];
  } else if (isScalarType(type) && type.name === 'ID') {
    values = [...teamIds, w.b.planId, w.b.keyIds[0]].map((id) => `"${id}"`);
  } else if (isScalarType(type) && type.name === 'Int') {
    values = ['5'];
  } else if (isScalarType(type) && type.name === 'Boolean') {
    values = ['true', 'false'];
  } else if (isScalarType(type) && type.name === 'String' && !optional) {
    // a statement's period is a month: the walk reads the statements of both teams
    values = [arg.name === 'period' ? '"2026-11"' : '"x"'];
  } else if (optional) {
    return [];
  } else {
    throw new Error(`the walk cannot make a value for argument ${arg.name}: ${String(arg.type)}`);
  }
  return values;
}

/** Every combination of argument values (optional arguments also left out), capped per field. */
function argumentSets(field: GraphQLField<unknown, unknown>, w: TwoTeams): string[] {
  let sets: string[][] = [[]];
  for (const arg of field.args) {
    const values = argumentValues(arg, w);
    const choices: Array<string | undefined> = [...values, ...(isNonNullType(arg.type) ? [] : [undefined])];
    sets = sets.flatMap((set) => choices.map((v) => (v === undefined ? set : [...set, `${arg.name}: ${v}`])));
  }
  return sets.slice(0, 60).map((s) => (s.length ? `(${s.join(', ')})` : ''));
}

function collectStrings(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) value.forEach((v) => collectStrings(v, into));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => collectStrings(v, into));
}

interface WalkResult {
  seen: Set<string>;
  queries: number;
  refusals: Record<string, number>;
}

async function walk(app: INestApplication, schema: GraphQLSchema, viewer: TestUser, w: TwoTeams, reached: Set<string>) {
  const result: WalkResult = { seen: new Set(), queries: 0, refusals: {} };
  const root = schema.getQueryType()!;
  for (const field of Object.values(root.getFields())) {
    const named = getNamedType(field.type);
    const tree = isObjectType(named) ? selectionTree(named, DEPTH - 1, reached) : [];
    reached.add(`Query.${field.name}`);
    for (const args of argumentSets(field, w)) {
      for (const query of operations(`${field.name}${args}`, tree, schema)) {
        const res = await graphql(app, query, {}, viewer.token);
        result.queries += 1;
        collectStrings(res.data, result.seen);
        for (const error of res.errors ?? []) {
          const code = error.extensions?.code ?? 'NONE';
          result.refusals[code] = (result.refusals[code] ?? 0) + 1;
          if (!ALLOWED_REFUSALS.has(code)) throw new Error(`${query}: ${JSON.stringify(error)}`);
        }
      }
    }
  }
  return result;
}

/** Strings a hostile caller sends where an API takes text: empty, a NUL, SQL, long, a path. */
const HOSTILE_TEXT = ['', '\u0000', "'; DROP TABLE teams; --", 'x'.repeat(5000), '../../etc/passwd'];

/**
 * Each ID and String argument of each root query and mutation sent hostile, the other arguments
 * as the walk makes them first (a field whose other arguments it cannot make is left out). An ID
 * empty or malformed is refused with a specific error; a hostile text may be accepted or refused,
 * never answered with an internal error (an empty teamId once reached Postgres as a uuid).
 * Answers how many were sent and what was answered otherwise.
 */
async function sendHostileArguments(app: INestApplication, schema: GraphQLSchema, viewer: TestUser, w: TwoTeams) {
  const unexpected: string[] = [];
  let sent = 0;
  const roots = [
    ...Object.values(schema.getQueryType()!.getFields()).map((field) => ({ field, operation: '' })),
    ...Object.values(schema.getMutationType()!.getFields()).map((field) => ({ field, operation: 'mutation ' })),
  ];
  for (const { field, operation } of roots) {
    for (const hostile of field.args.filter((a) => ['ID', 'String'].includes(getNamedType(a.type).name))) {
      let others: string[];
      try {
        others = field.args
          .filter((a) => a !== hostile && isNonNullType(a.type))
          .map((a) => `${a.name}: ${argumentValues(a, w)[0]}`);
      } catch {
        continue;
      }
      const isId = getNamedType(hostile.type).name === 'ID';
      const selection = isObjectType(getNamedType(field.type)) ? ' { __typename }' : '';
      for (const bad of (isId ? ['', 'not-an-id'] : HOSTILE_TEXT).map((v) => JSON.stringify(v))) {
        const value = isListType(getNullableType(hostile.type)) ? `[${bad}]` : bad;
        const args = [...others, `${hostile.name}: ${value}`].join(', ');
        const query = `${operation}{ ${field.name}(${args})${selection} }`;
        const res = await graphql(app, query, {}, viewer.token);
        sent += 1;
        const codes = (res.errors ?? []).map((e) => e.extensions?.code ?? 'NONE');
        const refusedRightly = isId
          ? codes.length > 0 && codes.every((c) => ALLOWED_REFUSALS.has(c))
          : codes.every((c) => !['INTERNAL_SERVER_ERROR', 'NONE', 'GRAPHQL_VALIDATION_FAILED'].includes(c));
        if (!refusedRightly) unexpected.push(`${query.slice(0, 200)}: ${codes.join(', ')}`);
      }
    }
  }
  return { sent, unexpected };
}

/** What of team B only B's people (and platform staff) may read. */
function secretsOfB(w: TwoTeams): string[] {
  return [
    w.b.id,
    w.b.name,
    w.b.planId,
    ...w.b.seatIds,
    ...w.b.keyIds,
    ...w.b.keyNames,
    ...w.b.invitationIds,
    ...w.b.quotaIds,
    w.b.teamQuotaId,
    w.ownerB.id,
    w.memberB.id,
    w.users.ownerB.username,
    w.users.ownerB.email,
    w.users.memberB.username,
    w.users.memberB.email,
    'svc-b',
  ];
}

/**
 * Every field reachable from every root query field to depth 6, with every argument the test can
 * make (ids of both teams, each enum value, filters scoped each way), as five viewers: no answer
 * holds an id, name or email the viewer may not read. Platform staff must see B, so the walk
 * reaches B's data when it may.
 */
describe('schema walk: no path through nested fields reaches what the viewer may not read', () => {
  let config: AppConfig;
  let app: INestApplication;
  let w: TwoTeams;
  let schema: GraphQLSchema;
  const reached = new Set<string>();
  const sizes: string[] = [];

  beforeAll(async () => {
    config = isolatedConfig('schema_walk');
    app = await startStandalone(config);
    w = await buildTwoTeams(app);
    schema = app.get(GraphQLSchemaHost).schema;
  });
  afterAll(async () => {
    process.stdout.write(`schema walk: ${reached.size} fields reached; ${sizes.join('; ')}\n`);
    await app?.close();
    if (config) await dropDatabase(config);
  });

  it("a plain MEMBER of A who shares a member with B sees A, not B, nor A's invitations or others' keys", async () => {
    const r = await walk(app, schema, w.memberA, w, reached);
    sizes.push(`memberA ${r.queries} queries, refusals ${JSON.stringify(r.refusals)}`);
    expect(secretsOfB(w).filter((s) => r.seen.has(s))).toEqual([]);
    const membersOnly = [
      ...w.a.invitationIds,
      w.a.keyIds[0],
      w.a.keyIds[2],
      w.a.seatIds[0],
      w.a.quotaIds[0],
      w.a.teamQuotaId,
    ];
    expect(membersOnly.filter((s) => r.seen.has(s))).toEqual([]);
    expect([w.a.name, w.users.shared.email, w.a.keyIds[1], w.a.seatIds[1]].filter((s) => !r.seen.has(s))).toEqual([]);
  });

  it("A's owner sees all of A and nothing of B", async () => {
    const r = await walk(app, schema, w.ownerA, w, reached);
    sizes.push(`ownerA ${r.queries} queries, refusals ${JSON.stringify(r.refusals)}`);
    expect(secretsOfB(w).filter((s) => r.seen.has(s))).toEqual([]);
    const all = [
      w.a.name,
      ...w.a.invitationIds,
      ...w.a.keyIds,
      ...w.a.seatIds,
      ...w.a.quotaIds,
      w.a.teamQuotaId,
      w.users.memberA.email,
    ];
    expect(all.filter((s) => !r.seen.has(s))).toEqual([]);
  });

  it('an outsider sees neither team', async () => {
    const r = await walk(app, schema, w.outsider, w, reached);
    sizes.push(`outsider ${r.queries} queries, refusals ${JSON.stringify(r.refusals)}`);
    const ofA = [w.a.id, w.a.name, ...w.a.keyIds, w.ownerA.id, w.users.memberA.email, w.users.shared.email, 'svc-a'];
    expect([...secretsOfB(w), ...ofA].filter((s) => r.seen.has(s))).toEqual([]);
  });

  it.each(['finance', 'sre'] as const)('platform %s reads both teams (the walk does reach B)', async (who) => {
    const r = await walk(app, schema, w[who], w, reached);
    sizes.push(`${who} ${r.queries} queries, refusals ${JSON.stringify(r.refusals)}`);
    expect([w.b.name, w.users.memberB.email, w.b.keyIds[1], w.a.name].filter((s) => !r.seen.has(s))).toEqual([]);
    // invitations carry invitees' addresses: SRE reads them, FINANCE does not
    expect(r.seen.has(w.b.invitationIds[0])).toBe(who === 'sre');
  });

  it.each(['ownerA', 'sre'] as const)(
    'as %s, a hostile id is refused with a specific error and hostile text never gets an internal one',
    async (who) => {
      const { sent, unexpected } = await sendHostileArguments(app, schema, w[who], w);
      sizes.push(`${who} ${sent} hostile arguments`);
      expect(unexpected).toEqual([]);
      expect(sent).toBeGreaterThan(20);
    },
  );

  it('every object type of the schema is reached by the walk', () => {
    const objectTypes = Object.values(schema.getTypeMap()).filter(
      (t) =>
        isObjectType(t) &&
        !t.name.startsWith('__') &&
        t !== schema.getMutationType() &&
        t !== schema.getSubscriptionType(),
    );
    const reachedTypes = new Set([...reached].map((c) => c.split('.')[0]));
    // answered only by a mutation
    const createdOnly = ['CreatedAccessToken', 'CreatedApiKey', 'CreatedUser', 'CreatedWebhook', 'RepriceResult'];
    expect(objectTypes.map((t) => t.name).filter((n) => !reachedTypes.has(n) && !createdOnly.includes(n))).toEqual([]);
    expect(isListType(getNullableType(schema.getQueryType()!.getFields().teams.type))).toBe(true);
  });
});
