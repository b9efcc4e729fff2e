/** An agent for agent tests: a worker `n1` (or `nodeId`) with no drivers and no volumes, talking to `managers`. */
import { silentLogger } from '../../../lib/log.js';
import type { NodeDescription } from '../../../proto/types.js';
import { Agent, type AgentOptions } from '../../../worker/agent.js';
import { VolumeStore } from '../../../worker/volumes.js';
import { testCredentials } from '../../fixtures/tls.js';

export async function testAgent(managers: string[], options: Partial<AgentOptions> = {}): Promise<Agent> {
  const nodeId = options.nodeId ?? 'n1';
  return new Agent({
    nodeId,
    tls: await testCredentials('worker', nodeId),
    addr: '127.0.0.1:1',
    managers,
    description: { hostname: 'n1' } as NodeDescription,
    volumes: new VolumeStore('/nonexistent/volumes', () => Promise.resolve(new Map())),
    drivers: [],
    log: silentLogger(),
    role: 'WORKER',
    ...options,
  });
}
