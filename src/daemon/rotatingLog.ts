import { basename, dirname } from "node:path";
import pino, { type Logger } from "pino";
import pretty from "pino-pretty";
import { createStream, type RotatingFileStream } from "rotating-file-stream";

/** Size at which a log file is rotated, and how many rotated files are kept (.1, .2, ...). */
export const LOG_ROTATE_SIZE = "10M";
export const LOG_ROTATE_KEEP = 3;

export interface RotatingLogger {
  logger: Logger;
  /** Flushes and closes the file. */
  close(): Promise<void>;
}

/**
 * A pino logger writing JSON lines to `file`, rotated by size (file.1, file.2, ... kept, older
 * ones removed), in this thread (the daemon holds one per campaign: no worker thread each).
 * With `tty`, warnings and errors also go to stderr as readable lines.
 */
export function rotatingLogger(
  file: string,
  options: { level?: string; tty?: boolean; size?: string; keep?: number } = {},
): RotatingLogger {
  const level = options.level ?? process.env.SLURMOPT_LOG_LEVEL ?? "info";
  const stream: RotatingFileStream = createStream(basename(file), {
    path: dirname(file),
    size: (options.size ?? LOG_ROTATE_SIZE) as `${number}M`,
    rotate: options.keep ?? LOG_ROTATE_KEEP,
    mode: 0o600,
  });
  stream.on("error", () => undefined);
  const streams: pino.StreamEntry[] = [{ level: level as pino.Level, stream }];
  if (options.tty === true)
    streams.push({
      level: "warn",
      stream: pretty({ destination: 2, colorize: true, ignore: "pid,hostname", singleLine: true }),
    });
  const logger = pino({ level }, pino.multistream(streams));
  return {
    logger,
    close: () =>
      new Promise<void>((resolve) => {
        stream.end(() => resolve());
      }),
  };
}
