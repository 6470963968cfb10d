/** Finds which of the given API key ids belong to test keys (api_keys.test). */
export type TestKeyLookup = (apiKeyIds: readonly string[]) => Promise<readonly string[]>;

/** The form Postgres reads as a uuid; an id in another form (`urn:uuid:…`) names no key. */
const UUID = /^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i;

/**
 * Which API keys are test keys, for flagging their calls at ingest. A key's test flag is set when
 * it is created and never changes, and its id exists only from then on, so an answer never goes
 * stale: each id is looked up once (one query per chunk for the ids it has not seen), never on a
 * timer, and a key created a moment before its first call is flagged exactly. The map is emptied
 * when it would pass `capacity` ids (then they are looked up again).
 */
export class TestKeyDirectory {
  private readonly known = new Map<string, boolean>();

  constructor(
    private readonly lookup: TestKeyLookup,
    private readonly capacity = 200_000,
  ) {}

  /** Looks up the ids not seen yet; throws when the lookup fails (the consumer retries the step). */
  async learn(apiKeyIds: Iterable<string>): Promise<void> {
    const ids = [...new Set([...apiKeyIds].map((id) => id.toLowerCase()))];
    // emptied before, not after: every id of the chunk is known when this returns
    if (this.known.size + ids.length > this.capacity) this.known.clear();
    const unseen = ids.filter((id) => !this.known.has(id));
    if (unseen.length === 0) return;
    const asked = unseen.filter((id) => UUID.test(id));
    const test = new Set((asked.length ? await this.lookup(asked) : []).map((id) => id.toLowerCase()));
    for (const id of unseen) this.known.set(id, test.has(id));
  }

  /** Whether the key is a test key; an id not learnt first is a mistake of the caller. */
  isTest(apiKeyId: string): boolean {
    const test = this.known.get(apiKeyId.toLowerCase());
    if (test === undefined) throw new Error(`API key ${apiKeyId} was not looked up before its calls were flagged`);
    return test;
  }
}

/** The lookup against Postgres: one query for a chunk's unseen key ids. */
export function postgresTestKeyLookup(query: (sql: string, params: unknown[]) => Promise<unknown>): TestKeyLookup {
  return async (apiKeyIds) => {
    const rows = (await query('SELECT id::text AS id FROM api_keys WHERE test AND id = ANY($1::uuid[])', [
      apiKeyIds,
    ])) as Array<{ id: string }>;
    return rows.map((r) => r.id);
  };
}
