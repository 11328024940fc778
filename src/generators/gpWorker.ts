/**
 * Worker-thread entry of the GP generator: receives GpRequest messages, runs the proposal
 * (hyperparameter fit and acquisition optimization) and answers with the points, so the
 * controller's event loop (polling, SSH keepalives, signals) never waits for the model.
 */
import { parentPort } from "node:worker_threads";
import { proposeGp } from "./gp/gpPropose.js";
import type { GpRequest, GpResponse } from "./gp/workerProtocol.js";
import { fromRequest } from "./gp/workerProtocol.js";
import { errorMessage, isSlurmoptError } from "../errors/errors.js";

const port = parentPort;
if (port) {
  port.on("message", (req: GpRequest) => {
    let res: GpResponse;
    try {
      res = { id: req.id, ok: true, points: proposeGp(fromRequest(req), req.count, req.options) };
    } catch (e) {
      res = {
        id: req.id,
        ok: false,
        message: errorMessage(e),
        code: isSlurmoptError(e) ? e.code : null,
      };
    }
    port.postMessage(res);
  });
}
