/** The named volumes the nodes have made for their tasks, asked of every node (or those named). */
import { FlotillaError } from '../../../lib/errors.js';
import type { NodeVolume } from '../../../proto/gen/flotilla/NodeVolume.js';
import { call } from '../../../proto/rpc.js';
import { nodeLabel, resolveNodes } from '../../node-runtime.js';
import { containerNodes, eachNode, reach } from '../on-nodes.js';
import type { Connect } from '../types.js';

export interface Found extends NodeVolume {
  node: string;
}

/** The volumes (or the one named) of the nodes asked, each with its node. */
export async function volumesOf(connect: Connect, nodeRefs: string[], name = ''): Promise<Found[]> {
  const { control, tls } = await reach(connect);
  const nodes = containerNodes(await resolveNodes(control, nodeRefs), nodeRefs.length > 0);
  const found: Found[] = [];
  await eachNode(nodes, tls, async (node, client) => {
    const res = await call(client, client.ListVolumes, { name }).catch((err: unknown) => {
      if (name && err instanceof FlotillaError && err.code === 'NOT_FOUND') return { volumes: [] };
      throw err;
    });
    for (const v of res.volumes) found.push({ ...v, node: nodeLabel(node) });
  });
  return found.sort((a, b) => a.node.localeCompare(b.node) || a.name.localeCompare(b.name));
}
