/**
 * The web dashboard on a real one-manager cluster, in a real browser (Debian's chromium,
 * driven by playwright-core): refused without a session, a sign-in link from `cluster
 * dashboard login` opens it, a service created with the CLI converges on the page without a
 * reload, the page scales it and drains the node (checked through the CLI), its errors are
 * shown, and a change from another origin is refused. With DASHBOARD_SCREENSHOTS=1 it also
 * writes the README's screenshots (docs/images/dashboard-*.png).
 */
import test, { type ExecutionContext } from 'ava';
import { request } from 'node:https';
import { chromium, type Page } from 'playwright-core';
import { readTlsDir } from '../../daemon/tls-dir.js';
import type { Node, Service, Task } from '../../proto/types.js';
import {
  eventually,
  freePort,
  LocalCluster,
  runCli,
  sleeperService,
  type CliResult,
} from './cluster-harness.js';

const SCREENSHOTS = process.env.DASHBOARD_SCREENSHOTS === '1';

function ok(t: ExecutionContext, res: CliResult): string {
  t.is(res.code, 0, res.stderr);
  return res.stdout;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request over HTTPS trusting the cluster's root (node certificates name no host), with an optional client certificate. */
function https(
  url: string,
  tls: { ca: string; cert?: string; key?: string },
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ...tls,
        method: opts.method ?? 'GET',
        checkServerIdentity: () => undefined,
        headers: { accept: 'application/json', ...opts.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const replicasOf = (page: Page, service: string) =>
  page.locator(`tr[data-service="${service}"] td.replicas`).textContent();

test.serial('the dashboard: sign-in, a service converging live, scale and drain from the page', async (t) => {
  t.timeout(300_000);
  const c = await LocalCluster.create();
  t.teardown(() => c.destroy());
  const port = await freePort();
  const base = `https://127.0.0.1:${port}`;
  ok(t, await c.init('m1', '--dashboard-addr', `127.0.0.1:${port}`));
  const admin = readTlsDir(c.certPath);

  // A link from the local socket, and from a remote admin CLI; both for this manager's dashboard.
  const login = ok(t, await runCli(['--data-dir', c.dataDir('m1'), 'dashboard', 'login', '--ttl', '10m']));
  const link = /https:\/\/\S+\/login\?token=\S+/.exec(login)?.[0];
  t.truthy(link, login);
  t.true(link!.startsWith(`${base}/login?token=`));
  t.true(
    ok(t, await c.cli('m1', 'dashboard', 'login', '-q'))
      .trim()
      .startsWith(`${base}/login?token=`),
  );
  const tooLong = await runCli(['--data-dir', c.dataDir('m1'), 'dashboard', 'login', '--ttl', '2d']);
  t.not(tooLong.code, 0);
  t.regex(tooLong.stderr, /invalid ttl: expected at most 24h/);

  // Nothing without a session or an admin certificate; everything with the certificate.
  t.is((await https(`${base}/api/state`, { ca: admin.ca })).status, 401);
  const withCert = await https(`${base}/api/state`, admin);
  t.is(withCert.status, 200, withCert.body);
  t.deepEqual(
    (JSON.parse(withCert.body) as { nodes: { hostname: string }[] }).nodes.map((n) => n.hostname),
    ['m1'],
  );

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox'],
    headless: true,
  });
  t.teardown(() => browser.close());
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 720 },
  });
  const page = await context.newPage();
  const refused = await page.goto(`${base}/`);
  t.is(refused?.status(), 401);
  t.true((await page.textContent('body'))!.includes('cluster dashboard login'));
  if (SCREENSHOTS) await page.screenshot({ path: 'docs/images/dashboard-signin.png' });
  const badLink = await page.goto(`${base}/login?token=${'x'.repeat(20)}.${'y'.repeat(43)}`);
  t.is(badLink?.status(), 401);

  await page.goto(link!);
  t.is(new URL(page.url()).pathname, '/');
  const cookie = (await context.cookies()).find((k) => k.name === '__Host-flotilla_dashboard');
  t.truthy(cookie);
  t.true(cookie!.httpOnly && cookie!.secure && cookie!.sameSite === 'Strict');
  await page.locator('#live.on').waitFor();
  t.is(await page.locator('tr[data-node="m1"] td.role').textContent(), 'manager (leader)');
  let navigations = 0;
  page.on('framenavigated', (frame) => frame === page.mainFrame() && navigations++);

  // Created with the CLI, followed by the page as it converges: no reload.
  const create = sleeperService('web');
  ok(t, await c.cli('m1', ...create.slice(0, 2), '--replicas', '3', ...create.slice(2)));
  await page.locator('tr[data-service="web"]').waitFor();
  await eventually('web 3/3 on the page', async () => (await replicasOf(page, 'web')) === '3/3');
  t.is(await page.locator('tr[data-service="web"] td.mode').textContent(), 'replicated');
  await page.click('tr[data-service="web"] button.toggle');
  await eventually('three running tasks listed', async () => {
    const states = await page.locator('tr[data-service="web"] + tr.tasks tr.task.running').count();
    return states === 3;
  });

  // Scaled from the page: the CLI sees it.
  const replicas = page.locator('tr[data-service="web"] input.replicas-input');
  await replicas.fill('5');
  await page.click('tr[data-service="web"] button.scale');
  await page.locator('#notice.ok', { hasText: 'web scaled to 5' }).waitFor();
  await eventually('web 5/5 on the page', async () => (await replicasOf(page, 'web')) === '5/5');
  const [web] = await c.json<Service[]>('m1', 'service', 'inspect', 'web');
  t.is(web?.spec?.replicated?.replicas, 5);
  const tasks = await c.json<Task[]>('m1', 'service', 'ps', 'web', '--format', 'raw');
  t.is(tasks.filter((x) => x.desiredState === 'RUNNING' && x.status?.state === 'RUNNING').length, 5);

  // The API's refusals reach the person.
  await replicas.fill('100001');
  await page.click('tr[data-service="web"] button.scale');
  await page.locator('#notice.error', { hasText: 'invalid replicas' }).waitFor();
  await page.click('tr[data-service="web"] button.rollback');
  const refusal = page.locator('#notice.error', { hasNotText: 'invalid replicas' });
  await refusal.waitFor();
  t.log('rollback without a previous version:', await refusal.textContent());

  // Drained from the page: its tasks stop, the CLI shows the node drained; then active again.
  await page.click('tr[data-node="m1"] button.drain');
  await page.locator('#notice.ok', { hasText: 'm1 is now drain' }).waitFor();
  await eventually('m1 drained on the page', async () =>
    (await page.locator('tr[data-node="m1"] td.availability').textContent()) === 'drain' ? true : undefined,
  );
  const nodes = await c.json<Node[]>('m1', 'node', 'ls', '--format', 'raw');
  t.is(nodes[0]?.spec?.availability, 'DRAIN');
  await eventually(
    'web 0/5 while its only node is drained',
    async () => (await replicasOf(page, 'web')) === '0/5',
  );
  await page.click('tr[data-node="m1"] button.activate');
  await eventually('web 5/5 again', async () => (await replicasOf(page, 'web')) === '5/5');
  t.is(navigations, 0, 'the page followed every change without a reload');

  // A change from another origin is refused, though the browser holds the session.
  const forged = await context.request.post(`${base}/api/services/web/scale`, {
    headers: { origin: 'https://elsewhere.example', 'content-type': 'application/json' },
    data: { replicas: 1 },
  });
  t.is(forged.status(), 403);
  const [still] = await c.json<Service[]>('m1', 'service', 'inspect', 'web');
  t.is(still?.spec?.replicated?.replicas, 5);
  if (SCREENSHOTS) await screenshotWithUpdate(t, c, page);

  // Signed out: the browser forgets the session, and the page asks to sign in again.
  await page.click('#logout');
  await page.locator('body.signin').waitFor();
  t.falsy((await context.cookies()).find((k) => k.name === '__Host-flotilla_dashboard'));
});

/**
 * The README's picture: a worker beside the manager, and a service halfway through a rolling
 * update (one task at a time, a minute apart) next to the scaled one.
 */
async function screenshotWithUpdate(t: ExecutionContext, c: LocalCluster, page: Page): Promise<void> {
  const token = ok(t, await runCli(['--data-dir', c.dataDir('m1'), 'join-token', 'worker', '-q'])).trim();
  ok(t, await c.join('w1', 'm1', token, '--metrics-addr', ''));
  await page.locator('tr[data-node="w1"] td.state.ready').waitFor();
  const api = sleeperService('api');
  ok(t, await c.cli('m1', ...api.slice(0, 2), '--replicas', '4', ...api.slice(2)));
  await eventually('api 4/4 on the page', async () => (await replicasOf(page, 'api')) === '4/4');
  ok(t, await c.cli('m1', 'service', 'update', '-d', '--env-add', 'LEVEL=2', '--update-delay', '1m', 'api'));
  await page.locator('tr[data-service="api"] td.update.updating').waitFor();
  await page.click('tr[data-service="api"] button.toggle');
  await eventually('one api task of v2 running', async () =>
    (await page.locator('tr[data-service="api"] + tr.tasks tr.task.running', { hasText: 'v2' }).count()) === 1
      ? true
      : undefined,
  );
  await page.locator('#notice').evaluate((n) => (n.hidden = true));
  await page.screenshot({ path: 'docs/images/dashboard-services.png', fullPage: true });
}

test.serial(
  "a link from one manager signs in at another's dashboard, whose actions reach the leader",
  async (t) => {
    t.timeout(240_000);
    const c = await LocalCluster.create({ distinctHosts: true });
    t.teardown(() => c.destroy());
    ok(t, await c.init('m1'));
    ok(t, await c.joinManager('m2', 'm1'));
    const host = (name: string) => c.addr(name).replace(/:\d+$/, '');
    const ca = readTlsDir(c.certPath).ca;

    // m1 leads; m2's socket gives the links, m2's own first, both at the default port.
    const login = ok(t, await runCli(['--data-dir', c.dataDir('m2'), 'dashboard', 'login']));
    const links = login.match(/https:\/\/\S+\/login\?token=\S+/g) ?? [];
    t.deepEqual(
      links.map((l) => new URL(l).host),
      [`${host('m2')}:4280`, `${host('m1')}:4280`],
    );

    // The link is taken by m1 though m2 signed it (a key both derive): its session works on both.
    const signedIn = await https(links[1]!, { ca });
    t.is(signedIn.status, 303);
    const cookie = String(signedIn.headers['set-cookie']).split(';')[0]!;
    t.regex(String(signedIn.headers['set-cookie']), /HttpOnly; Secure; SameSite=Strict/);
    for (const name of ['m1', 'm2']) {
      const state = await https(`https://${host(name)}:4280/api/nodes`, { ca }, { headers: { cookie } });
      t.is(state.status, 200, state.body);
      t.deepEqual((JSON.parse(state.body) as { hostname: string }[]).map((n) => n.hostname).sort(), [
        'm1',
        'm2',
      ]);
    }

    // Scaled through the follower's dashboard: the leader writes it.
    const create = sleeperService('web');
    ok(t, await c.cli('m1', ...create.slice(0, 2), '--replicas', '1', ...create.slice(2)));
    const origin = `https://${host('m2')}:4280`;
    const scaled = await https(
      `${origin}/api/services/web/scale`,
      { ca },
      {
        method: 'POST',
        headers: { cookie, origin, 'content-type': 'application/json' },
        body: JSON.stringify({ replicas: 2 }),
      },
    );
    t.is(scaled.status, 200, scaled.body);
    t.deepEqual(JSON.parse(scaled.body), { message: 'web scaled to 2' });
    const [web] = await c.json<Service[]>('m1', 'service', 'inspect', 'web');
    t.is(web?.spec?.replicated?.replicas, 2);

    // A tampered session is refused; so is a change without the page's origin.
    const forged = cookie.slice(0, -3) + (cookie.endsWith('A') ? 'BBB' : 'AAA');
    t.is((await https(`${origin}/api/nodes`, { ca }, { headers: { cookie: forged } })).status, 401);
    const noOrigin = await https(
      `${origin}/api/services/web/scale`,
      { ca },
      { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{"replicas":3}' },
    );
    t.is(noOrigin.status, 403);
  },
);
