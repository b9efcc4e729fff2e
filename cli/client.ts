/** The CLI's connection to a manager: --host ADDR, or the local node's unix socket. */
import type { ControlClient } from '../proto/gen/flotilla/Control.js';
import { wire } from '../proto/load.js';
import { connect } from '../proto/rpc.js';
import { dataDirFrom, paths } from '../daemon/data-dir.js';

export interface Target {
  host?: string;
  dataDir?: string;
}

export function controlClient(t: Target): { client: ControlClient; addr: string } {
  const addr = t.host ?? `unix:${paths(dataDirFrom(t.dataDir)).socket}`;
  return { client: connect(wire.flotilla.Control, addr), addr };
}
