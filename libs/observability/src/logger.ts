import type { LoggerService } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export type LogFields = Record<string, unknown>;

const requestScope = new AsyncLocalStorage<{ requestId: string }>();

/** An incoming id is echoed into logs and headers, so it must be short and plain. */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The caller's X-Request-Id when it is sane, else a new one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && SANE_REQUEST_ID.test(value) ? value : randomUUID();
}

/** Runs `work` (and everything it starts) with `requestId` on each log line. */
export function withRequestId<T>(requestId: string, work: () => T): T {
  return requestScope.run({ requestId }, work);
}

export function currentRequestId(): string | undefined {
  return requestScope.getStore()?.requestId;
}

const SECRET_KEY = /authorization|token|password|secret|cookie/i;
const BEARER = /\b(Bearer)\s+[^\s"',;]+/gi;

/** Tokens must not reach the log even when a caller or a library passes them along. */
function redact(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return SECRET_KEY.test(key) ? '[redacted]' : value.replace(BEARER, '$1 [redacted]');
  if (value instanceof Error) return redact(value.message, key);
  if (value === null || typeof value !== 'object') return value;
  if (SECRET_KEY.test(key)) return '[redacted]';
  if (Array.isArray(value)) return value.map((item) => redact(item));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]));
}

/** Nest's bootstrap chatter (module wiring, route mapping) is for debugging, not for every start. */
const NEST_BOOTSTRAP_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
  'GraphQLModule',
]);
const STACK = /\n\s+at /;

/**
 * The one log writer of the services: JSON lines on stderr, below LOG_LEVEL dropped, the
 * request id on each line written while a request is handled. It is also Nest's logger
 * (`app.useLogger`), so the framework's lines take the same shape and the same level filter.
 */
export class JsonLogger implements LoggerService {
  private threshold: number;

  constructor(
    level: LogLevel = 'info',
    private readonly write: (line: string) => void = (line) => void process.stderr.write(line),
  ) {
    this.threshold = LOG_LEVELS.indexOf(level);
  }

  setLevel(level: LogLevel): void {
    this.threshold = LOG_LEVELS.indexOf(level);
  }

  isEnabled(level: LogLevel): boolean {
    return LOG_LEVELS.indexOf(level) >= this.threshold;
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.emit('debug', message, params);
  }

  info(message: unknown, ...params: unknown[]): void {
    this.emit('info', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.emit('warn', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.emit('error', message, params);
  }

  /** Nest's `log` */
  log(message: unknown, ...params: unknown[]): void {
    const context = params.at(-1);
    this.emit(typeof context === 'string' && NEST_BOOTSTRAP_CONTEXTS.has(context) ? 'debug' : 'info', message, params);
  }

  /** Nest's `verbose` */
  verbose(message: unknown, ...params: unknown[]): void {
    this.emit('debug', message, params);
  }

  /** Nest's `fatal` */
  fatal(message: unknown, ...params: unknown[]): void {
    this.emit('error', message, params);
  }

  /**
   * Our calls pass `(msg, fields)`; Nest's pass `(message, context)`, `(message, stack, context)`
   * or an Error; both are read here.
   */
  private emit(level: LogLevel, message: unknown, params: unknown[]): void {
    if (!this.isEnabled(level)) return;
    const line: LogFields = { time: new Date().toISOString(), level, msg: message };
    if (message instanceof Error) {
      line.msg = message.message;
      line.stack = message.stack;
    }
    const requestId = currentRequestId();
    if (requestId) line.requestId = requestId;
    for (const param of params) {
      if (typeof param === 'string') {
        if (STACK.test(param)) line.stack = param;
        else line.context = param;
      } else if (param instanceof Error) {
        line.error = param.message;
      } else if (param !== null && typeof param === 'object') {
        Object.assign(line, param);
      }
    }
    this.write(JSON.stringify(redact(line)) + '\n');
  }
}

/** The process's logger; the apps set its level from LOG_LEVEL at start. */
export const logger = new JsonLogger();
