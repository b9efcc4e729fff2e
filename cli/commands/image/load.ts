/** `cluster image load`: an image archive streamed into every node's runtime (or those named). */
import type { Command } from 'commander';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { describeError, FlotillaError, invalidArgument } from '../../../lib/errors.js';
import { fromServiceError } from '../../../proto/rpc.js';
import type { TlsCredentials } from '../../../proto/tls.js';
import type { Node } from '../../../proto/types.js';
import { nodeLabel, nodeRuntimeClient, resolveNodes } from '../../node-runtime.js';
import { ProgressBar } from '../../progress.js';
import { collect } from '../../format.js';
import { containerNodes, ONLY_NODES, reach } from '../on-nodes.js';
import type { Connect } from '../types.js';

const CHUNK = 1 << 20;

export function loadCommand(image: Command, connect: Connect): Command {
  return image
    .command('load')
    .description('load an OCI-layout or `docker save` archive into every node’s runtime (or those named)')
    .argument('<file>', 'the archive (.tar)')
    .option(...ONLY_NODES, collect, [])
    .action(async (file: string, o: { node: string[] }) => {
      const { size } = await stat(file).catch(() => {
        throw invalidArgument('FILE', 'a readable image archive', file);
      });
      const { control, tls } = await reach(connect);
      const nodes = containerNodes(await resolveNodes(control, o.node), o.node.length > 0);
      if (nodes.length === 0) throw new FlotillaError('UNAVAILABLE', 'no ready node has a container runtime');
      const bar = new ProgressBar(`loading ${file} into ${nodes.length} node(s)`, size * nodes.length);
      const sent = new Map<string, number>();
      const results = await Promise.allSettled(
        nodes.map((node) =>
          loadInto(node, tls, file, (n) => {
            sent.set(node.id, n);
            bar.update([...sent.values()].reduce((a, b) => a + b, 0));
          }),
        ),
      );
      bar.done();
      let failed = 0;
      results.forEach((r, i) => {
        const name = nodeLabel(nodes[i] as Node);
        if (r.status === 'fulfilled') console.log(`${name}: loaded ${r.value.join(', ')}`);
        else {
          failed++;
          console.error(`${name}: ${describeError(r.reason)}`);
        }
      });
      if (failed > 0) throw new FlotillaError('UNAVAILABLE', `the archive did not load on ${failed} node(s)`);
    });
}

function loadInto(
  node: Node,
  tls: TlsCredentials,
  file: string,
  sent: (bytes: number) => void,
): Promise<string[]> {
  const client = nodeRuntimeClient(node, tls);
  return new Promise<string[]>((resolve, reject) => {
    const upload = client.LoadImage((err, res) => {
      client.close();
      if (err) reject(fromServiceError(err, node.status?.addr ?? ''));
      else resolve(res?.images ?? []);
    });
    let bytes = 0;
    const source = createReadStream(file, { highWaterMark: CHUNK });
    source.on('data', (data) => {
      bytes += data.length;
      sent(bytes);
      if (!upload.write({ data })) {
        source.pause();
        upload.once('drain', () => source.resume());
      }
    });
    source.on('end', () => upload.end());
    source.on('error', (err) => {
      upload.cancel();
      reject(err);
    });
  });
}
