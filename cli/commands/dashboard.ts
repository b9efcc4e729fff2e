/**
 * `cluster dashboard login`: a sign-in link for the managers' web dashboard.
 */
import type { Command } from 'commander';
import type { ControlClient } from '../../proto/gen/flotilla/Control.js';

type Connect = () => ControlClient;

export function dashboardCommands(program: Command, connect: Connect): void {
  void program;
  void connect;
}
