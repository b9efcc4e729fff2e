import test from 'ava';
import { join } from 'node:path';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import { tempDir } from '../helpers.js';
import { storeConformance } from './conformance.js';

storeConformance(test, { name: 'memory', open: async () => ({ store: await MemoryStore.open() }) });

storeConformance(test, {
  name: 'memory with a file',
  open: async (t) => ({ store: await MemoryStore.open(join(await tempDir(t), 'store.pb')) }),
});
