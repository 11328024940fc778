import { hostname, userInfo } from "node:os";

/**
 * The lines a user needs to open a dashboard that listens on a login node's loopback address
 * from their laptop: the ssh -L command to run there, and the URL to open then.
 */
export function sshTunnelHint(port: number, token: string): string[] {
  let user = "";
  try {
    user = `${userInfo().username}@`;
  } catch {
    user = "";
  }
  return [
    `on your laptop, run:  ssh -N -L ${port}:127.0.0.1:${port} ${user}${hostname()}`,
    `then open:            http://127.0.0.1:${port}/?token=${token}`,
  ];
}
