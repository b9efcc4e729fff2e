import test from 'ava';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import { storeConformance } from './conformance.js';

storeConformance(test, { name: 'memory', open: async () => ({ store: await MemoryStore.open() }) });
