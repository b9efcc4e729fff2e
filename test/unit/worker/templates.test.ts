import test from 'ava';
import { expandTemplate } from '../../../worker/templates.js';
import { makeService, makeTask } from '../helpers.js';

const service = makeService();
const task = { ...makeTask(service, { slot: 3 }), serviceName: 'web' };
const ctx = { task, nodeId: 'node1', hostname: 'w1' };

test('service, task and node placeholders expand', (t) => {
  t.is(expandTemplate('{{.Service.Name}}-{{.Task.Slot}}@{{.Node.Hostname}}', ctx), 'web-3@w1');
  t.is(expandTemplate('{{ .Node.ID }} {{.Service.ID}}', ctx), `node1 ${service.id}`);
  t.is(expandTemplate('{{.Task.Name}}', ctx), `web.3.${task.id}`);
  t.is(
    expandTemplate('{{.Task.Name}}', { ...ctx, task: { ...task, slot: 0, nodeId: 'node1' } }),
    `web.node1.${task.id}`,
  );
});

test('text without placeholders, and unknown ones, stay as written', (t) => {
  t.is(expandTemplate('plain=value', ctx), 'plain=value');
  t.is(expandTemplate('{{.Service.Nmae}}', ctx), '{{.Service.Nmae}}');
});
