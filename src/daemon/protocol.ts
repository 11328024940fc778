import { z } from "zod";

/**
 * The daemon's socket protocol: one JSON object per line each way. A request names the protocol
 * version and an operation; the reply carries the same id. Nothing in a request is ever run as a
 * command: a request names campaign folders, whose validated specs say what runs.
 */
export const PROTOCOL_VERSION = 1;

/** The longest request line accepted; a longer one gets an error reply and is dropped. */
export const MAX_REQUEST_BYTES = 64 * 1024;

const dir = z.string().min(1).max(4096);
const id = z.number().int().nonnegative().optional();

const campaignOp = <T extends string>(op: T) =>
  z.object({ v: z.literal(PROTOCOL_VERSION), id, op: z.literal(op), dir }).strict();

export const requestSchema = z.discriminatedUnion("op", [
  z.object({ v: z.literal(PROTOCOL_VERSION), id, op: z.literal("ping") }).strict(),
  z.object({ v: z.literal(PROTOCOL_VERSION), id, op: z.literal("status") }).strict(),
  z.object({ v: z.literal(PROTOCOL_VERSION), id, op: z.literal("list") }).strict(),
  z.object({ v: z.literal(PROTOCOL_VERSION), id, op: z.literal("shutdown") }).strict(),
  campaignOp("adopt"),
  campaignOp("campaign"),
  campaignOp("pause"),
  campaignOp("continue"),
  campaignOp("stop"),
  campaignOp("cancel"),
]);

export type Request = z.infer<typeof requestSchema>;
export type Operation = Request["op"];
export type RequestBody = Request extends infer R
  ? R extends Request
    ? Omit<R, "v" | "id">
    : never
  : never;

/** Error codes of a refused request (stable: scripts and tests match them). */
export type ProtocolErrorCode =
  "MALFORMED" | "TOO_LARGE" | "VERSION" | "INVALID" | "NOT_DRIVEN" | "REFUSED" | "INTERNAL";

export interface CampaignSummary {
  dir: string;
  name: string;
  /** What the daemon does with it: driving, paused, window-closed, finished, stopped, missing. */
  daemonState: string;
  /** The campaign's own state (campaign.db): RUNNING, COMPLETED, STOPPED, FAILED, CANCELLED. */
  state: string | null;
  done: number;
  failed: number;
  /** Trials whose job runs. */
  running: number;
  /** Trials not yet submitted, or submitted and waiting in Slurm's queue (also held ones). */
  queued: number;
  total: number;
  maxEval: number;
  best: number | null;
  lastError: string | null;
}

export interface ClusterSummary {
  key: string;
  campaigns: number;
  pollCycles: number;
  pollIntervalMs: number | null;
}

export interface DaemonStatus {
  pid: number;
  version: string;
  startedAt: number;
  uptimeSeconds: number;
  socket: string;
  stateDir: string;
  campaigns: number;
  /** Cycles of the daemon's one loop (each polls every cluster's executor once). */
  loopCycles: number;
  clusters: ClusterSummary[];
  /** The live dashboard (its URL carries the access token), or null when it is not served. */
  dashboard: { url: string; host: string; port: number } | null;
}

export type Reply =
  | { v: number; id?: number | undefined; ok: true; result: unknown }
  | {
      v: number;
      id?: number | undefined;
      ok: false;
      error: { code: ProtocolErrorCode; message: string };
    };

export function okReply(id: number | undefined, result: unknown): Reply {
  return { v: PROTOCOL_VERSION, ...(id !== undefined ? { id } : {}), ok: true, result };
}

export function errorReply(
  id: number | undefined,
  code: ProtocolErrorCode,
  message: string,
): Reply {
  return {
    v: PROTOCOL_VERSION,
    ...(id !== undefined ? { id } : {}),
    ok: false,
    error: { code, message },
  };
}

const replySchema = z.union([
  z.object({ v: z.number(), id: z.number().optional(), ok: z.literal(true), result: z.unknown() }),
  z.object({
    v: z.number(),
    id: z.number().optional(),
    ok: z.literal(false),
    error: z.object({ code: z.string(), message: z.string() }),
  }),
]);

/** Parses a reply line (client side); null when it is not a reply. */
export function parseReply(line: string): z.infer<typeof replySchema> | null {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  const r = replySchema.safeParse(raw);
  return r.success ? r.data : null;
}

/**
 * Parses one request line (server side): the request, or the error reply to send back. The
 * message names what was wrong, never echoes more than a few bytes of the input.
 */
export function parseRequest(line: string): { request: Request } | { error: Reply } {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return {
      error: errorReply(
        undefined,
        "MALFORMED",
        "the request is not JSON: send one JSON object per line",
      ),
    };
  }
  const idOf = (x: unknown): number | undefined => {
    if (typeof x !== "object" || x === null || !("id" in x)) return undefined;
    const v = x.id;
    return typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : undefined;
  };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    return { error: errorReply(undefined, "MALFORMED", "the request must be a JSON object") };
  const v = (raw as { v?: unknown }).v;
  if (v !== PROTOCOL_VERSION)
    return {
      error: errorReply(
        idOf(raw),
        "VERSION",
        `protocol version ${JSON.stringify(v ?? null)} is not spoken here; this daemon speaks ${PROTOCOL_VERSION} (restart it with the installed slurmopt)`,
      ),
    };
  const parsed = requestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at "${issue.path.join(".")}"` : "";
    return {
      error: errorReply(
        idOf(raw),
        "INVALID",
        `invalid request${where}: ${issue?.message ?? "unknown shape"}`,
      ),
    };
  }
  return { request: parsed.data };
}
