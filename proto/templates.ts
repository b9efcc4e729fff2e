/**
 * The placeholders a service may write in env values and its hostname, as Swarm users write
 * them: `{{.Service.Name}}`, `{{.Task.Slot}}`, `{{.Node.Hostname}}`... The manager refuses any
 * other; the worker expands them (only the node knows its hostname).
 */
export const TEMPLATE_FIELDS = {
  Service: ['ID', 'Name'],
  Task: ['ID', 'Name', 'Slot'],
  Node: ['ID', 'Hostname'],
} as const;

export type TemplateGroup = keyof typeof TEMPLATE_FIELDS;

/** One placeholder, `{{.Group.Field}}` with optional spaces inside the braces. */
export const PLACEHOLDER = /\{\{\s*\.(\w+)\.(\w+)\s*\}\}/g;

/** The allowed placeholders, for messages: "{{.Service.ID}} {{.Service.Name}} ...". */
export const ALLOWED_PLACEHOLDERS = Object.entries(TEMPLATE_FIELDS)
  .flatMap(([group, fields]) => fields.map((field) => `{{.${group}.${field}}}`))
  .join(' ');
