import test from 'ava';
import { forPeople } from '../../../cli/format.js';

test('forPeople: times as ISO 8601, AtMs keys lose their Ms, other keys as they are', (t) => {
  const at = Date.UTC(2026, 11, 7, 14, 30, 0, 250);
  const shown = forPeople({
    id: 's1',
    meta: { version: 3, createdAt: at, updatedAt: 0 },
    endpoint: { ports: [] },
    certificate: { expiresAtMs: at },
    tasks: [{ status: { timestamp: at, state: 'RUNNING' }, runningSince: at }],
    spec: { labels: { _endpoint: 'kept', builtAt: 'yesterday' }, stopGracePeriodMs: 10_000 },
    updateStatus: { startedAt: at, completedAt: 0 },
  });
  t.deepEqual(shown, {
    id: 's1',
    meta: { version: 3, createdAt: '2026-12-07T14:30:00.250Z', updatedAt: null },
    endpoint: { ports: [] },
    certificate: { expiresAt: '2026-12-07T14:30:00.250Z' },
    tasks: [
      {
        status: { timestamp: '2026-12-07T14:30:00.250Z', state: 'RUNNING' },
        runningSince: '2026-12-07T14:30:00.250Z',
      },
    ],
    spec: { labels: { _endpoint: 'kept', builtAt: 'yesterday' }, stopGracePeriodMs: 10_000 },
    updateStatus: { startedAt: '2026-12-07T14:30:00.250Z', completedAt: null },
  });
});
