import { buildSchema, graphql, GraphQLResolveInfo } from 'graphql';
import { ALL_MEASURES } from '@app/catalog';
import { selectedFields, summaryMeasures } from './summary-measures';

describe('summaryMeasures', () => {
  it('reads only what the KPI cards ask for', () => {
    const fields = ['requests', 'successRate', 'latencyP95', 'totalTokens', 'cost', 'currency', '__typename'];
    expect([...summaryMeasures(fields)].sort()).toEqual([
      'cost',
      'inputTokens',
      'latency',
      'outputTokens',
      'successes',
    ]);
  });

  it('reads nothing besides the request count for requests alone', () => {
    expect(summaryMeasures(['requests']).size).toBe(0);
  });

  it('reads unpriced calls when their models are asked for, and calls by source for business and internal', () => {
    expect([...summaryMeasures(['unpricedModels', 'businessCalls'])].sort()).toEqual([
      'callsBySource',
      'unpricedRequests',
    ]);
  });

  it('reads each summed measure under its own name, and every measure for a field it does not know', () => {
    expect([...summaryMeasures(['cacheReadTokens', 'inputCost'])].sort()).toEqual(['cacheReadTokens', 'inputCost']);
    expect(summaryMeasures(['requests', 'somethingNew'])).toBe(ALL_MEASURES);
  });
});

describe('selectedFields', () => {
  const schema = buildSchema(`
    type Summary { requests: Int cost: String successRate: Float }
    type Personal { usage: Summary quotas: [Int] }
    type Query { summary: Summary personal: Personal }
  `);
  async function capture(query: string, path: string[] = []) {
    let seen: Set<string> | undefined;
    const root = {
      summary: (_: unknown, __: unknown, info: GraphQLResolveInfo) => ((seen = selectedFields(info, path)), {}),
      personal: (_: unknown, __: unknown, info: GraphQLResolveInfo) => ((seen = selectedFields(info, path)), {}),
    };
    const answer = await graphql({ schema, source: query, rootValue: root, fieldResolver: undefined });
    expect(answer.errors).toBeUndefined();
    return seen;
  }

  it('collects fields through aliases, inline fragments and named fragments', async () => {
    const seen = await capture(
      `query { summary { n: requests requests ... on Summary { cost } ...Rate } }
       fragment Rate on Summary { successRate }`,
    );
    expect([...seen!].sort()).toEqual(['cost', 'requests', 'successRate']);
  });

  it('walks down a path, and answers undefined when the path is not selected', async () => {
    expect([...(await capture(`{ personal { usage { cost } } }`, ['usage']))!]).toEqual(['cost']);
    expect(await capture(`{ personal { quotas } }`, ['usage'])).toBeUndefined();
  });
});
