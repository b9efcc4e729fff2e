/**
 * Expands the placeholders of a task's environment values and hostname (the list, and the
 * check that the manager makes, are in proto/templates.ts). Expanded on the node, which
 * alone knows its hostname.
 */
import { PLACEHOLDER, TEMPLATE_FIELDS, type TemplateGroup } from '../proto/templates.js';
import { taskName, type Task } from '../proto/types.js';

export interface TemplateContext {
  task: Task;
  nodeId: string;
  hostname: string;
}

type Values = { [G in TemplateGroup]: Record<(typeof TEMPLATE_FIELDS)[G][number], string> };

function values(ctx: TemplateContext): Values {
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
  const v = values(ctx) as Record<string, Record<string, string> | undefined>;
  return text.replace(PLACEHOLDER, (whole, group: string, field: string) => {
    const fields = Object.hasOwn(v, group) ? v[group] : undefined;
    return fields && Object.hasOwn(fields, field) ? fields[field]! : whole;
  });
}
