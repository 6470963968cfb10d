import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '@clickhouse/client';
import { ClickHouseGateway, encodeJsonCompactEachRow } from './clickhouse.gateway';

/**
 * What an encoded insert sends to a ClickHouse server (no server runs here: a local HTTP
 * listener stands in for it and records the request the real client makes).
 */
describe('an encoded insert in server mode', () => {
  let server: Server;
  let url: string;
  const seen: Array<{ query: URLSearchParams; body: string }> = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ query: new URL(req.url!, 'http://x').searchParams, body: Buffer.concat(chunks).toString() });
        const fail = seen.at(-1)!.body.includes('"refuse me"');
        res.writeHead(fail ? 500 : 200, { 'X-ClickHouse-Summary': '{}' });
        res.end(fail ? 'Code: 27. DB::Exception: Cannot parse input' : '');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function gateway(): ClickHouseGateway {
    return new ClickHouseGateway(
      createClient({ url, database: 'analytics', compression: { request: false } }),
      'server',
      'analytics',
    );
  }

  it('sends the encoded bytes as the body of an INSERT naming the columns and the format', async () => {
    const rows = [
      ['e1', 3, "it's"],
      ['e2', 4, 'a\\nb'],
    ];
    await gateway().insertEncoded('call_events', encodeJsonCompactEachRow(['event_id', 'n', 'note'], rows), {
      insert_deduplication_token: 'tok-1',
    });
    const { query, body } = seen.at(-1)!;
    expect(query.get('query')).toBe('INSERT INTO call_events (event_id, n, note) FORMAT JSONCompactEachRow');
    expect(query.get('insert_deduplication_token')).toBe('tok-1');
    expect(query.get('database')).toBe('analytics');
    expect(body.split('\n').map((line) => JSON.parse(line))).toEqual(rows);
  });

  it("fails with the server's error when the server refuses the rows", async () => {
    const refused = gateway().insertEncoded('call_events', encodeJsonCompactEachRow(['note'], [['refuse me']]));
    await expect(refused).rejects.toThrow(/Cannot parse input/);
  });
});
