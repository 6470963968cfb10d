import { Kafka, logLevel, LogEntry } from 'kafkajs';
import type { AppConfig } from '@app/config';
import { logger, LogLevel } from '@app/observability/logger';

const LEVEL_NAMES: Record<number, LogLevel> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** kafkajs logs through the services' logger, so its lines take the same shape and level filter. */
function jsonLogCreator() {
  return ({ namespace, level, log }: LogEntry) => {
    const { message, timestamp: _timestamp, ...extra } = log;
    logger[LEVEL_NAMES[level] ?? 'debug'](message, { component: namespace ? `kafka.${namespace}` : 'kafka', ...extra });
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
