import { Kafka, logLevel, LogEntry } from 'kafkajs';
import type { AppConfig } from '@app/config';

const LEVEL_NAMES: Record<number, string> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** kafkajs logs as one JSON line per entry, like the rest of the services. */
function jsonLogCreator() {
  return ({ namespace, level, log }: LogEntry) => {
    const { message, timestamp, ...extra } = log;
    process.stderr.write(
      JSON.stringify({ time: timestamp, level: LEVEL_NAMES[level], component: `kafka.${namespace}`, msg: message, ...extra }) + '\n',
    );
  };
}

export function createKafka(config: AppConfig['kafka'], clientIdSuffix = ''): Kafka {
  return new Kafka({
    clientId: `${config.clientId}${clientIdSuffix}`,
    brokers: config.brokers,
    logLevel: logLevel.WARN,
    logCreator: jsonLogCreator,
    retry: { initialRetryTime: 200, retries: 8 },
  });
}
