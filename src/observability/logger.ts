import { once } from 'node:events';
import winston from 'winston';
import DailyRotateFile from 'winston-daily-rotate-file';
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
  /** Daily-rotated JSON-line files, in addition to stdout. */
  files?: LogFilesOptions;
}

export interface LogFilesOptions {
  dir: string;
  keepDays: number;
  maxSizeMB: number;
  compress: boolean;
}

/** Files are named postroom-YYYY-MM-DD.log; the date is UTC so a day's file never spans two days. */
const LOG_FILE_PATTERN = 'postroom-%DATE%.log';
/** Shutdown waits at most this long for the log files to take the last lines. */
const LOG_FLUSH_TIMEOUT_MS = 2_000;

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
  if (options.files) {
    transports.push(
      new DailyRotateFile({
        dirname: options.files.dir,
        filename: LOG_FILE_PATTERN,
        datePattern: 'YYYY-MM-DD',
        utc: true,
        maxFiles: `${options.files.keepDays}d`,
        maxSize: `${options.files.maxSizeMB}m`,
        zippedArchive: options.files.compress,
        // The rotation bookkeeping lives beside the logs, hidden, so `ls` shows only log files.
        auditFile: `${options.files.dir}/.postroom-log-audit.json`,
      }),
    );
  }
  return winston.createLogger({ level: options.level, format: redactingJson(), transports });
}

export function scoped(logger: Logger, scope: LogScope): Logger {
  return logger.child(scope);
}

/** Lets file transports write what they hold before the process exits. */
export async function closeLogger(logger: Logger): Promise<void> {
  const finished = once(logger, 'finish');
  logger.end();
  await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, LOG_FLUSH_TIMEOUT_MS).unref())]);
}
