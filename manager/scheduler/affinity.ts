/**
 * Service affinity: `service.name==cache` or `service.labels.tier==db` selects services; a
 * task with an affinity goes only to nodes that already run a task of a selected service,
 * one with an anti-affinity only to nodes that run none.
 */
import type { Service } from '../../proto/types.js';

export interface ServiceSelector {
  /** `name`, or a label key. */
  readonly label: string | undefined;
  readonly value: string;
}

const EXPR = /^\s*service\.(name|labels\.([^\s=!]+))\s*==\s*(\S(?:.*\S)?)\s*$/;

/** The selector, or undefined when the expression is not one. */
export function parseServiceSelector(expr: string): ServiceSelector | undefined {
  const m = EXPR.exec(expr);
  return m ? { label: m[2], value: m[3]! } : undefined;
}

function selects(s: ServiceSelector, service: Service): boolean {
  const have = s.label === undefined ? service.spec?.name : service.spec?.labels[s.label];
  return have === s.value;
}

/** The ids of the services an expression selects (none when it does not parse). */
export function selectedServices(expr: string, services: readonly Service[]): string[] {
  const s = parseServiceSelector(expr);
  return s ? services.filter((svc) => selects(s, svc)).map((svc) => svc.id) : [];
}
