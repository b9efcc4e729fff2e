/**
 * Checks a ContainerSpec's shape before anything is written. Nothing here is specific to
 * plain processes except that the caller checks the image.
 */
import { constants } from 'node:os';
import { isAbsolute } from 'node:path';
import type { ContainerSpec } from './driver.js';
import { invalidArgument } from '../lib/errors.js';

/** `imageCommand`: an empty command means the image's (container runtimes). */
export function validateContainerSpec(spec: ContainerSpec, { imageCommand = false } = {}): void {
  if (typeof spec !== 'object' || spec === null) throw invalidArgument('spec', 'an object');
  const minimum = imageCommand ? 0 : 1;
  if (!Array.isArray(spec.command) || spec.command.length < minimum || !spec.command.every(isCleanString)) {
    throw invalidArgument('command', 'a non-empty array of strings without NUL', spec.command);
  }
  if (spec.command[0] === '') throw invalidArgument('command[0]', 'a program name', '');
  checkStringRecord('env', spec.env);
  for (const key of Object.keys(spec.env)) {
    if (key === '' || key.includes('=')) throw invalidArgument('env', 'names without "="', key);
  }
  if (spec.secretEnv !== undefined) checkSecretEnv(spec.secretEnv);
  checkStringRecord('labels', spec.labels);
  if (spec.workdir !== undefined && (!isCleanString(spec.workdir) || !isAbsolute(spec.workdir))) {
    throw invalidArgument('workdir', 'an absolute path', spec.workdir);
  }
  for (const field of ['user', 'hostname'] as const) {
    if (spec[field] !== undefined && !isCleanString(spec[field])) {
      throw invalidArgument(field, 'a string without NUL', spec[field]);
    }
  }
  if (spec.stopSignal !== undefined && !Object.hasOwn(constants.signals, spec.stopSignal)) {
    throw invalidArgument('stopSignal', 'a signal name such as "SIGTERM"', spec.stopSignal);
  }
  const isPort = (p: unknown) => Number.isInteger(p) && (p as number) >= 1 && (p as number) <= 65535;
  if (spec.ports !== undefined && (!Array.isArray(spec.ports) || !spec.ports.every(isPort))) {
    throw invalidArgument('ports', 'an array of port numbers (1-65535)', spec.ports);
  }
  for (const m of spec.publish ?? []) {
    if (!isPort(m.hostPort) || !isPort(m.containerPort) || !['tcp', 'udp'].includes(m.protocol))
      throw invalidArgument('publish', 'host and container ports (1-65535) and tcp or udp', m);
  }
}

function checkStringRecord(field: string, value: unknown): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidArgument(field, 'an object of strings', value);
  }
  for (const [k, v] of Object.entries(value)) {
    if (!isCleanString(k) || !isCleanString(v))
      throw invalidArgument(`${field}.${k}`, 'a string without NUL', v);
  }
}

/** As env, but an error names the variable and never shows its value. */
function checkSecretEnv(value: unknown): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidArgument('secretEnv', 'an object of strings');
  }
  for (const [k, v] of Object.entries(value)) {
    if (k === '' || k.includes('=') || !isCleanString(k))
      throw invalidArgument('secretEnv', 'names without "=" or NUL', k);
    if (!isCleanString(v)) throw invalidArgument(`secretEnv.${k}`, 'a string without NUL');
  }
}

function isCleanString(s: unknown): s is string {
  return typeof s === 'string' && !s.includes('\0');
}
