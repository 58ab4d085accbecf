// Minimal leveled logger for broker threads: one line per event on stderr, prefixed with the node.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string, err?: unknown): void;
}

export function createLogger(prefix: string, level: LogLevel = (process.env.EDDY_LOG_LEVEL as LogLevel) || 'warn'): Logger {
  const min = ORDER[level] ?? ORDER.warn;
  const write = (lvl: LogLevel, msg: string) => {
    if (ORDER[lvl] >= min) process.stderr.write(`${new Date().toISOString()} ${lvl.toUpperCase()} [${prefix}] ${msg}\n`);
  };
  return {
    debug: (m) => write('debug', m),
    info: (m) => write('info', m),
    warn: (m) => write('warn', m),
    error: (m, err) => write('error', err ? `${m}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}` : m),
  };
}
