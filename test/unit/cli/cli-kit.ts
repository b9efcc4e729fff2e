/**
 * Runs `cluster` commands in process, as their definitions parse them, against a fake Control
 * client whose answers the test gives; returns what they printed. Tests that use it are
 * serial: it takes console.log over while a command runs.
 */
import { Command } from 'commander';
import type { ControlClient } from '../../../proto/gen/flotilla/Control.js';

export type Register = (program: Command, connect: () => ControlClient) => void;

/** Each method's answer, or a function of the request that gives it. */
export type Answers = Record<string, unknown>;

export interface Run {
  stdout: string;
  /** The requests made, by method. */
  requests: Record<string, unknown[]>;
}

export async function runCommand(register: Register, answers: Answers, args: string[]): Promise<Run> {
  const requests: Record<string, unknown[]> = {};
  const client = new Proxy(
    {},
    {
      get: (_target, method: string) =>
        function (
          req: unknown,
          _metadata: unknown,
          _options: unknown,
          done: (err: unknown, res?: unknown) => void,
        ) {
          (requests[method] ??= []).push(req);
          const answer = answers[method];
          if (answer === undefined) return done(new Error(`the test gave no answer to ${method}`));
          done(null, typeof answer === 'function' ? (answer as (r: unknown) => unknown)(req) : answer);
        },
    },
  ) as ControlClient;
  const program = new Command('cluster')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} });
  register(program, () => client);
  const printed: string[] = [];
  const log = console.log;
  console.log = (...values: unknown[]) => printed.push(values.map(String).join(' '));
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    console.log = log;
  }
  return { stdout: printed.join('\n'), requests };
}
