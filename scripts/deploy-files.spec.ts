import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { configEnvKeys, loadConfig } from '@app/config';

const root = path.resolve(__dirname, '..');

/** docker-compose.yml cannot run here; check that it parses and speaks the config's language. */
describe('docker-compose.yml', () => {
  const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
  const appServices = ['api', 'ingest-worker', 'migrate'];

  it('defines the stack: Kafka 3.9 (KRaft), a pinned ClickHouse server, Postgres, migrate, api and worker', () => {
    const services = ['api', 'clickhouse', 'ingest-worker', 'kafka', 'migrate', 'postgres'];
    expect(Object.keys(compose.services).sort()).toEqual(services);
    expect(compose.services.kafka.image).toMatch(/^apache\/kafka:3\.9\.\d+$/);
    expect(compose.services.kafka.environment.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(compose.services.clickhouse.image).toMatch(/^clickhouse\/clickhouse-server:\d+\.\d+$/);
  });

  it.each(appServices)('%s sets only variables the configuration reads, and they validate', (name) => {
    const env: Record<string, string> = compose.services[name].environment;
    const known = new Set(configEnvKeys());
    const unknown = Object.keys(env).filter((k) => !known.has(k));
    expect(unknown).toEqual([]);
    const resolved = Object.fromEntries(
      Object.entries(env).map(([k, v]) => [k, String(v).replace(/\$\{(\w+):-([^}]*)\}/g, (_, _n, dflt) => dflt)]),
    );
    const config = loadConfig(resolved);
    expect(config.clickhouse.mode).toBe('server');
    expect(config.kafka.brokers).toEqual(['kafka:9092']);
  });

  it('rejects a configuration with a bad value, naming it', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ KAFKA_TOPIC_PARTITIONS: '0' })).toThrow(/KAFKA_TOPIC_PARTITIONS/);
  });
});

describe('deploy/kubernetes', () => {
  it('sets only variables the configuration reads', () => {
    const docs = parseAllDocuments(
      fs.readFileSync(path.join(root, 'deploy/kubernetes/usage-analytics.yaml'), 'utf8'),
    ).map((d) => d.toJS());
    const known = new Set(configEnvKeys());
    const names = docs.flatMap((doc) =>
      (doc.spec?.template?.spec?.containers ?? []).flatMap((c: { env?: Array<{ name: string }> }) =>
        (c.env ?? []).map((e) => e.name),
      ),
    );
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((n: string) => !known.has(n))).toEqual([]);
  });
});
