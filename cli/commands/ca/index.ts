/** `cluster ca`: the cluster's certificate authority, as its users meet it (--rotate, issue-client). */
import type { Command } from 'commander';
import type { Connect } from '../types.js';
import { issueClientCommand } from './issue-client.js';
import { caCommand } from './rotate.js';

export function caCommands(program: Command, connect: Connect): Command {
  const ca = caCommand(program, connect);
  issueClientCommand(ca, connect);
  return ca;
}
