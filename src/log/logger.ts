import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import pino, { type Logger } from "pino";

/**
 * pino logger: JSON lines to a file (the campaign's log), and warnings and errors as readable
 * lines on stderr (coloured on a terminal).
 */
export function createLogger(options: { file?: string; level?: string; tty?: boolean }): Logger {
  const level = options.level ?? process.env.SLURMOPT_LOG_LEVEL ?? "info";
  const targets: pino.TransportTargetOptions[] = [];
  if (options.file) {
    mkdirSync(dirname(options.file), { recursive: true });
    targets.push({
      target: "pino/file",
      level,
      options: { destination: options.file, mkdir: true },
    });
  }
  // Warnings and errors also go to stderr, one readable line each (coloured on a terminal).
  const tty = options.tty ?? process.stderr.isTTY;
  targets.push({
    target: "pino-pretty",
    level: "warn",
    options: { destination: 2, colorize: tty, ignore: "pid,hostname", singleLine: true },
  });
  return pino({ level }, pino.transport({ targets }));
}

export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
