import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import { parseTemplate } from '../../../cli/go-template.js';

const FIELDS = ['ID', 'Name', 'Ports', 'Labels'];
const row = { ID: 'abc123', Name: 'Web', Ports: '*:8080->80/tcp', Labels: { tier: 'front', n: 2 } };
const render = (source: string, value: unknown = row) => parseTemplate(source, FIELDS).render(value);

test('fields, text around them, and the whole row', (t) => {
  t.is(render('{{.Name}} {{.ID}}'), 'Web abc123');
  t.is(render('name={{ .Name }}!'), 'name=Web!');
  t.is(render('no actions'), 'no actions');
  t.is(render('{{.}}'), JSON.stringify(row));
  t.is(render(''), '');
});

test('sub-fields of an object value', (t) => {
  t.is(render('{{.Labels.tier}}'), 'front');
  t.is(render('{{.Labels.n}}'), '2');
  t.is(render('{{.Labels}}'), '{"tier":"front","n":2}');
});

test('json, upper and lower', (t) => {
  t.deepEqual(JSON.parse(render('{{json .}}')), row);
  t.is(render('{{json .Name}}'), '"Web"');
  t.is(render('{{json .Labels}}'), '{"tier":"front","n":2}');
  t.is(render('{{upper .Name}}-{{lower .Name}}'), 'WEB-web');
  t.is(render('{{upper .Labels.tier}}'), 'FRONT');
});

test('\\t and \\n written out are a tab and a newline', (t) => {
  t.is(render('{{.ID}}\\t{{.Name}}\\n'), 'abc123\tWeb\n');
});

test('null and missing-but-known values print as nothing', (t) => {
  t.is(render('[{{.Name}}]', { ...row, Name: null }), '[]');
  t.is(render('{{json .Name}}', { ...row, Name: null }), 'null');
});

const refused: [string, RegExp][] = [
  ['{{.Nope}}', /expected a field among \.ID, \.Name, \.Ports, \.Labels, got "\.Nope"/],
  ['{{.name}}', /got "\.name"/],
  ['{{Name}}', /expected a field such as \.Name/],
  ['{{.Name', /every \{\{ is closed/],
  ['{{title .Name}}', /FUNCTION is one of json, upper, lower/],
  ['{{json .Name .ID}}', /FUNCTION is one of/],
  ['{{.Name | upper}}', /FUNCTION is one of/],
  ['{{json .Nope}}', /got "\.Nope"/],
];
for (const [source, message] of refused) {
  test(`refuses ${source}, saying why`, (t) => {
    const err = t.throws(() => parseTemplate(source, FIELDS));
    t.true(isFlotillaError(err, 'INVALID_ARGUMENT'));
    t.regex(err?.message ?? '', /^invalid --format: /);
    t.regex(err?.message ?? '', message);
  });
}

test('a sub-field that is not there is an error naming the ones there are', (t) => {
  const template = parseTemplate('{{.Labels.zone}}', FIELDS);
  const err = t.throws(() => template.render(row));
  t.regex(err?.message ?? '', /expected a field of \.Labels among tier, n, got "\.Labels\.zone"/);
  const flat = t.throws(() => render('{{.Name.First}}'));
  t.regex(flat?.message ?? '', /\.Name has none/);
});
