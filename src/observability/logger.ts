import winston from 'winston';
import type { Writable } from 'node:stream';
import { redact, redactDeep } from './redact';

/** Fields a scoped logger may carry; they show up on every line it writes. */
export interface LogScope {
  sourceId?: string;
  jobId?: string;
  /** Graph immutable id of the message. */
  messageId?: string;
  internetMessageId?: string;
  component?: string;
}

export type Logger = winston.Logger;

export interface LoggerOptions {
  level: string;
  /** Where JSON lines go; stdout when omitted. Tests pass their own stream to read the output. */
  stream?: Writable;
  /** Also write to stdout when a stream is given. */
  alsoStdout?: boolean;
}

/**
 * Scrubs registered secrets from every string of the record, then once more from the finished
 * line: that catches a secret wherever it hides (nested objects, error messages).
 */
const redactingJson = winston.format((info) => {
  const { level, message, ...rest } = info;
  const record = redactDeep({ time: new Date().toISOString(), level, message, ...rest });
  (info as Record<symbol, unknown>)[Symbol.for('message')] = redact(JSON.stringify(record));
  return info;
});

export function createLogger(options: LoggerOptions): Logger {
  const transports: winston.transport[] = [];
  if (!options.stream || options.alsoStdout) transports.push(new winston.transports.Console());
  if (options.stream) transports.push(new winston.transports.Stream({ stream: options.stream }));
  return winston.createLogger({ level: options.level, format: redactingJson(), transports });
}

export function scoped(logger: Logger, scope: LogScope): Logger {
  return logger.child(scope);
}
