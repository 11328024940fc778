import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import pino, { type Logger } from "pino";

/**
 * pino logger: JSON lines to a file (the campaign's log), and readable lines on stderr when it
 * is a terminal (warnings and errors only, so the progress line stays clean).
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
  if (options.tty ?? process.stderr.isTTY) {
    targets.push({
      target: "pino-pretty",
      level: "warn",
      options: { destination: 2, colorize: true, ignore: "pid,hostname" },
    });
  }
  if (targets.length === 0) return pino({ level: "silent" });
  return pino({ level }, pino.transport({ targets }));
}

export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
