/**
 * `cluster dashboard login`: a sign-in link for the managers' web dashboard. The link's token
 * lasts minutes (--ttl); opening it gives the browser a session of 12 hours.
 */
import type { Command } from 'commander';
import { invalidArgument } from '../../../lib/errors.js';
import { call } from '../../../proto/rpc.js';
import { parseDuration } from '../../format.js';
import type { Connect } from '../types.js';

export function dashboardCommands(program: Command, connect: Connect): Command {
  const dashboard = program.command('dashboard').description("the managers' web dashboard");
  dashboard
    .command('login')
    .description(
      'print a sign-in link for the web dashboard (valid for --ttl; opening it starts a 12-hour session)',
    )
    .option('--ttl <duration>', 'how long the link stays valid, up to 24h', '5m')
    .option('-q, --quiet', 'print only the first link')
    .action(async (o: { ttl: string; quiet?: boolean }) => {
      const ttlMs = parseDuration('--ttl', o.ttl);
      if (ttlMs < 1000) throw invalidArgument('--ttl', 'a duration of at least 1s, such as 5m', o.ttl);
      const client = connect();
      const res = await call(client, client.DashboardLogin, { ttlSeconds: Math.ceil(ttlMs / 1000) });
      if (o.quiet) {
        console.log(res.urls[0] ?? '');
        return;
      }
      if (res.urls.length === 0) {
        console.log(
          `This manager serves no dashboard (--dashboard-addr none). The token, for another manager's /login?token=: ${res.token}`,
        );
        return;
      }
      const until = new Date(res.expiresAt).toISOString();
      console.log(`Open this link in a browser (valid until ${until}, then run this again):\n`);
      for (const url of res.urls) console.log(`    ${url}`);
      console.log(
        "\nIt is served with this manager's certificate, of the cluster's CA; node certificates name no host, so the browser asks you to accept it once.",
      );
    });
  return dashboard;
}
