/** `cluster ca issue-client`: an admin client certificate, for a CLI on another machine. */
import type { Command } from 'commander';
import { writeTlsDir } from '../../../daemon/index.js';
import { describeCert, newKeyAndRequest } from '../../../lib/pki.js';
import { call } from '../../../proto/rpc.js';
import { parseDuration } from '../../format.js';
import type { Connect } from '../types.js';

export function issueClientCommand(ca: Command, connect: Connect): Command {
  return ca
    .command('issue-client')
    .description('make an admin client certificate, for a CLI on another machine (--host with --cert-path)')
    .requiredOption('--out <dir>', 'where to write ca.pem, cert.pem and key.pem (made 0700)')
    .option('--expiry <duration>', "how long it is valid (default: the cluster's node certificate expiry)")
    .action(async (o: { out: string; expiry?: string }) => {
      const expiryMs = o.expiry === undefined ? 0 : parseDuration('--expiry', o.expiry);
      const client = connect();
      // The key is made here and never leaves this machine; the managers sign its request.
      const { key, csr } = await newKeyAndRequest();
      const issued = await call(client, client.IssueClientCertificate, { csr, expiryMs });
      await writeTlsDir(o.out, { ...issued, key });
      const { id, expiresAtMs } = describeCert(issued.cert);
      console.log(`Wrote the client certificate ${id} (valid until ${new Date(expiresAtMs).toISOString()}) to ${o.out}.
Use it with: CLUSTER_HOST=MANAGER_ADDR CLUSTER_CERT_PATH=${o.out} cluster service ls`);
    });
}
