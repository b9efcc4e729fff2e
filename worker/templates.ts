/**
 * Placeholders in a task's environment values, as Swarm users write them:
 * `{{.Service.Name}}`, `{{.Task.Slot}}`, `{{.Node.Hostname}}` and their kin. Expanded on the
 * node, which alone knows its hostname.
 */
import { taskName, type Task } from '../proto/types.js';

export interface TemplateContext {
  task: Task;
  nodeId: string;
  hostname: string;
}

const PLACEHOLDER = /\{\{\s*\.(\w+)\.(\w+)\s*\}\}/g;

function values(ctx: TemplateContext): Record<string, Record<string, string>> {
  const { task } = ctx;
  return {
    Service: { ID: task.serviceId, Name: task.serviceName },
    Task: {
      ID: task.id,
      Slot: String(task.slot),
      Name: `${taskName(task)}.${task.id}`,
    },
    Node: { ID: ctx.nodeId, Hostname: ctx.hostname },
  };
}

/** Expands the placeholders it knows; anything else is left as written. */
export function expandTemplate(text: string, ctx: TemplateContext): string {
  if (!text.includes('{{')) return text;
  const v = values(ctx);
  return text.replace(PLACEHOLDER, (whole, group: string, field: string) => v[group]?.[field] ?? whole);
}
