// Structured logs through pino. Debug and info go to stdout, warn and error to stderr. Not on a terminal
// (pipes, files, tests, CI): one JSON object per line, `{"level":"info","time":"<ISO>","msg":"...",
// ...bindings, ...fields}`, which tests, benchmarks and tools parse. On a terminal: human-readable lines
// (pino-pretty's formatter, in this process and synchronously, so no line is lost at exit); the JSON path
// never touches it.

import { pino, stdSerializers, type DestinationStream, type LoggerOptions } from 'pino';
import { prettyFactory } from 'pino-pretty';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LoggerOutputOptions {
  /** Human-readable lines instead of JSON; default: whether stdout is a terminal. */
  readonly pretty?: boolean;
}

const MESSAGE_KEY = 'msg';
const ERROR_KEY = 'err';

export function createLogger(level: LogLevel, base: LogFields = {}, output: LoggerOutputOptions = {}): Logger {
  const pretty = output.pretty ?? process.stdout.isTTY === true;
  const options: LoggerOptions = {
    level,
    messageKey: MESSAGE_KEY,
    errorKey: ERROR_KEY,
    // No pid and hostname on every line: bindings are ours (see BoundLogger).
    base: null,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }), log: serializeErrors },
  };
  // process.stdout/stderr are synchronous for files, pipes and terminals on Linux: lines written just
  // before process.exit() are not lost. The pretty form is made in the same write, so it is not lost either.
  const to = (stream: NodeJS.WriteStream) => pino(options, pretty ? prettyTo(stream) : stream);
  // Two loggers rather than pino's multistream: a line goes straight to its stream.
  return new BoundLogger({ out: to(process.stdout), err: to(process.stderr) }, base);
}

/** Turns each JSON line into pino-pretty's lines (colored on a terminal) and writes them to `stream`. */
function prettyTo(stream: NodeJS.WriteStream): DestinationStream {
  const prettify = prettyFactory({
    messageKey: MESSAGE_KEY,
    colorize: stream.isTTY === true,
    translateTime: 'HH:MM:ss.l',
    singleLine: true,
    // pino-pretty shows these as the logger's "(name/pid on host)"; ours are plain fields (a player's name, a worker's pid).
    customPrettifiers: { name: (value) => `name=${String(value)}`, pid: (value) => `pid=${String(value)}`, hostname: (value) => `hostname=${String(value)}` },
  });
  return { write: (line: string) => void stream.write(prettify(line)) };
}

/**
 * Bindings (the base fields and every child's) are merged here rather than by pino's child loggers, so a
 * field named like a binding replaces it instead of appearing twice in the line. The message goes first:
 * lines read `..."msg":"listening",...,"port":3000}` (a fixed order some readers match on). Below the
 * level, nothing is built. A class rather than closures: every connection has a child logger, and
 * methods on the prototype cost it one small object.
 */
class BoundLogger implements Logger {
  constructor(
    private readonly loggers: { readonly out: pino.Logger; readonly err: pino.Logger },
    private readonly bindings: LogFields,
  ) {}

  debug(msg: string, fields?: LogFields): void {
    this.write(this.loggers.out, 'debug', msg, fields);
  }

  info(msg: string, fields?: LogFields): void {
    this.write(this.loggers.out, 'info', msg, fields);
  }

  warn(msg: string, fields?: LogFields): void {
    this.write(this.loggers.err, 'warn', msg, fields);
  }

  error(msg: string, fields?: LogFields): void {
    this.write(this.loggers.err, 'error', msg, fields);
  }

  child(fields: LogFields): Logger {
    return new BoundLogger(this.loggers, { ...this.bindings, ...fields });
  }

  private write(logger: pino.Logger, level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields: LogFields | undefined): void {
    if (logger.isLevelEnabled(level)) logger[level]({ [MESSAGE_KEY]: msg, ...this.bindings, ...fields });
  }
}

/**
 * An Error under any field is written with its type, message, stack and own properties (code, syscall...):
 * pino's serializer of `err`, applied to the other fields too (pino applies it to `err` itself, after this).
 */
function serializeErrors(fields: LogFields): LogFields {
  let copy: LogFields | null = null;
  for (const key in fields) {
    const value = fields[key];
    if (key !== ERROR_KEY && value instanceof Error) (copy ??= { ...fields })[key] = stdSerializers.err(value);
  }
  return copy ?? fields;
}
