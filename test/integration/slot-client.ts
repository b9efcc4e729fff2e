/** The client side of test/fixtures/slot-server.ts: what a task answered, over HTTP. */
import { request } from 'node:http';

export interface SlotAnswer {
  slot: string;
  task: string;
  proxy: string | null;
  env: Record<string, string>;
  /** The client's own port for the connection. */
  localPort: number;
}

/** One GET on a fresh connection (no keep-alive), so every request is a connection the mesh balances. */
export function getSlot(host: string, port: number): Promise<SlotAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, agent: false, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        try {
          resolve({ ...(JSON.parse(body) as SlotAnswer), localPort: req.socket?.localPort ?? 0 });
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}
