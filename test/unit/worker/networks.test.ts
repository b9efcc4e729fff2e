import test from 'ava';
import { deviceVnis } from '../../../worker/networks.js';

test("a network's devices are found by their names, whatever else the node has", (t) => {
  const links = JSON.stringify(
    ['lo', 'eth0', 'flotilla0', 'flvx0', 'fln4300', 'flv4300', 'flv4301', 'fln12x', 'xfln4302'].map(
      (ifname) => ({ ifname }),
    ),
  );
  t.deepEqual([...deviceVnis(links)].sort(), [4300, 4301]);
  t.deepEqual([...deviceVnis('')], []);
});
