/** `cluster events`: the cluster's changes as they happen (being written). */
import type { Command } from 'commander';
import type { ControlClient } from '../../proto/gen/flotilla/Control.js';

export function eventsCommands(
  _program: Command,
  _connect: () => ControlClient,
  _wantsJson: (o: { format?: string }) => boolean,
): void {}
