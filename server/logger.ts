import pino from 'pino';
import { ConfigError } from './config';

export type Logger = pino.Logger;

/** JSON lines on stdout; the level comes from LOG_LEVEL. Secrets are never passed to it. */
export function createLogger(level = process.env.LOG_LEVEL || 'info', destination?: pino.DestinationStream): Logger {
  if (!(level in pino.levels.values) && level !== 'silent') {
    throw new ConfigError(`LOG_LEVEL must be one of ${[...Object.keys(pino.levels.values), 'silent'].join(', ')}, got "${level}"`);
  }
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: ['*.password', '*.token', '*.cookie', '*.authorization', 'req.headers'], remove: true },
    },
    // Tests capture the lines; the server writes them to stdout.
    destination,
  );
}
