import * as net from 'node:net';
import { resolveServices } from './services';

describe('the test harness never skips silently', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('fails, saying how to get a broker, when the given broker does not answer', async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    process.env.KAFKA_BROKERS = `127.0.0.1:${closed}`;
    process.env.DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
    await expect(resolveServices()).rejects.toThrow(/No Kafka broker.*scripts\/kafka\.sh start/s);
  });
});
