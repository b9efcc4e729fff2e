/**
 * The command tree of `cluster`, registered in the order `cluster --help` lists it: each noun
 * from its directory's index.ts, the commands of the cluster itself from cluster/.
 */
import type { Command } from 'commander';
import { daemonCommand } from '../daemon-process.js';
import { caCommands } from './ca/index.js';
import { completionCommand } from './cluster/completion.js';
import { dashboardCommands } from './cluster/dashboard.js';
import { eventsCommand } from './cluster/events.js';
import { initCommand } from './cluster/init.js';
import { joinTokenCommand } from './cluster/join-token.js';
import { joinCommand } from './cluster/join.js';
import { leaveCommand } from './cluster/leave.js';
import { simWorkersCommand } from './cluster/sim-workers.js';
import { unlockKeyCommand } from './cluster/unlock-key.js';
import { unlockCommand } from './cluster/unlock.js';
import { updateCommand } from './cluster/update.js';
import { imageCommands } from './image/index.js';
import { labCommands } from './lab/index.js';
import { networkCommands } from './network/index.js';
import { nodeCommands } from './node/index.js';
import { secretCommands } from './secret/index.js';
import { serviceCommands } from './service/index.js';
import { stackCommands } from './stack/index.js';
import { taskCommands } from './task/index.js';
import type { Connect, WantsJson } from './types.js';
import { volumeCommands } from './volume/index.js';

export function registerCommands(program: Command, connect: Connect, wantsJson: WantsJson): void {
  initCommand(program);
  joinCommand(program);
  leaveCommand(program);
  daemonCommand(program);
  caCommands(program, connect);
  nodeCommands(program, connect);
  joinTokenCommand(program, connect);
  serviceCommands(program, connect);
  networkCommands(program, connect);
  secretCommands(program, connect);
  unlockCommand(program);
  unlockKeyCommand(program, connect);
  updateCommand(program, connect);
  stackCommands(program, connect);
  dashboardCommands(program, connect);
  eventsCommand(program, connect, wantsJson);
  imageCommands(program, connect, wantsJson);
  taskCommands(program, connect, wantsJson);
  volumeCommands(program, connect, wantsJson);
  labCommands(program, wantsJson);
  simWorkersCommand(program);
  // Last: it completes the commands registered before it.
  completionCommand(program);
}
