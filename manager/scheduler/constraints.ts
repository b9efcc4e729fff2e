/**
 * Placement constraints, as Swarm writes them: `node.labels.zone==b`, `node.role!=manager`.
 * Parsed once for validation and again (cheaply) for each group of tasks the scheduler places.
 */
import type { Node } from '../../proto/types.js';

export interface Constraint {
  readonly key: string;
  readonly equal: boolean;
  readonly value: string;
}

const KEY = /^(node\.(id|hostname|role|platform\.os|platform\.arch)|(node|engine)\.labels\.[^\s=!]+)$/;
const EXPR = /^\s*([^\s=!]+)\s*(==|!=)\s*(\S(?:.*\S)?)\s*$/;
// Roles and platforms are names, not ids: "manager" matches the role MANAGER.
const CASELESS = new Set(['node.hostname', 'node.role', 'node.platform.os', 'node.platform.arch']);

/** The constraint, or undefined when the expression is not one. */
export function parseConstraint(expr: string): Constraint | undefined {
  const m = EXPR.exec(expr);
  if (!m || !KEY.test(m[1]!)) return undefined;
  return { key: m[1]!, equal: m[2] === '==', value: m[3]! };
}

/** What a node has for a constraint or preference key; undefined when it has nothing. */
export function nodeValue(node: Node, key: string): string | undefined {
  switch (key) {
    case 'node.id':
      return node.id;
    case 'node.hostname':
      return node.description?.hostname;
    case 'node.role':
      return node.role;
    case 'node.platform.os':
      return node.description?.platform?.os;
    case 'node.platform.arch':
      return node.description?.platform?.arch;
  }
  if (key.startsWith('node.labels.')) return node.spec?.labels[key.slice('node.labels.'.length)];
  return node.description?.engineLabels[key.slice('engine.labels.'.length)];
}

/** A node without the key fails `==` and passes `!=`, as in Swarm. */
export function satisfies(node: Node, c: Constraint): boolean {
  const have = nodeValue(node, c.key);
  const same =
    have !== undefined &&
    (CASELESS.has(c.key) ? have.toLowerCase() === c.value.toLowerCase() : have === c.value);
  return same === c.equal;
}
