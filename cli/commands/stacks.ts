/** `cluster stack`: applications from Compose files (being written). */
import type { Command } from 'commander';
import type { ControlClient } from '../../proto/gen/flotilla/Control.js';

export function stackCommands(
  _program: Command,
  _connect: () => ControlClient,
  _wantsJson: (o: { format?: string }) => boolean,
): void {}
