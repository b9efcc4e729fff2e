import test from 'ava';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  describeEntry,
  describeHardState,
  describeMessage,
  describeSnapshot,
} from '../../../manager/raft/core/describe.js';
import { isProposalDropped } from '../../../manager/raft/core/errors.js';
import type { RaftLogFields, RaftLogger } from '../../../manager/raft/core/config.js';
import type { ConfChange, RaftId } from '../../../manager/raft/types.js';
import { ConfChangeType } from '../../../manager/raft/types.js';
import { Cluster } from '../../sim/cluster.js';
import type { NodeOptions } from '../../sim/node.js';

/**
 * Transcript tests: each file under testdata/ is a scenario of commands, each followed by
 * `----` and the exact output it must produce (readies handled, messages delivered, the
 * core's log lines). Run with REWRITE=1 to regenerate the expected outputs in place, then
 * read the diff.
 *
 * Commands:
 *   add-nodes <n> [voters=(1 2 3)] [learners=(4)] [check-quorum=true] [pre-vote=true]
 *             [election-tick=10] [heartbeat-tick=1] [max-size-per-msg=N] [max-inflight=N]
 *             [max-inflight-bytes=N] [disable-forwarding=true]
 *       nodes without voters= start empty and learn the cluster from the leader
 *   campaign <id> | propose <id> <data> | propose-conf-change <id> <v4|l4|r4>
 *   transfer-leadership <from> <to> | read-index <id> <ctx> | report-unreachable <id> <peer>
 *   tick-heartbeat <id> | tick-election <id> | tick <id> <n>
 *   process-ready <id>... | deliver-msgs <id>... [from=<peer>] | drop-msgs <id>... | stabilize [<id>...]
 *   partition <id,id> <id> ... (groups) | heal | crash <id> | restart <id>
 *   status <id> | raft-log <id> | compact <id> [keep] | log-level <debug|info|warn|none>
 */

const TESTDATA = fileURLToPath(new URL('../../../../test/unit/raft/testdata/', import.meta.url));
const LEVELS = ['debug', 'info', 'warn', 'none'];

interface Command {
  text: string;
  expected: string;
}

function parse(src: string): Command[] {
  const cmds: Command[] = [];
  const blocks = src.split(/\n\s*\n/);
  for (const block of blocks) {
    const lines = block.split('\n').filter((l) => !l.startsWith('#'));
    const sep = lines.indexOf('----');
    if (lines.every((l) => l.trim() === '')) continue;
    if (sep < 0) throw new Error(`command without ---- separator: ${block}`);
    cmds.push({
      text: lines.slice(0, sep).join('\n').trim(),
      expected: lines
        .slice(sep + 1)
        .join('\n')
        .trim(),
    });
  }
  return cmds;
}

/** Keeps the comment lines of the source in front of their command when rewriting. */
function render(src: string, outputs: string[]): string {
  const blocks = src.split(/\n\s*\n/).filter((b) => b.trim() !== '');
  let i = 0;
  return (
    blocks
      .map((block) => {
        const lines = block.split('\n');
        const sep = lines.indexOf('----');
        if (sep < 0) return block;
        return [...lines.slice(0, sep), '----', outputs[i++]].join('\n');
      })
      .join('\n\n') + '\n'
  );
}

class TranscriptEnv {
  private cluster: Cluster | undefined;
  private out: string[] = [];
  private level = 1;
  private electionTick = 10;
  private heartbeatTick = 1;

  private c(): Cluster {
    if (!this.cluster) throw new Error('add-nodes first');
    return this.cluster;
  }

  /** Node `id`'s core log lines, as `LEVEL id message field=value...`. */
  private logger(id: RaftId): RaftLogger {
    const at = (lvl: number, tag: string) => (fields: RaftLogFields, msg: string) => {
      if (lvl >= this.level) this.out.push(`${tag} ${id} ${msg}${renderFields(fields)}`);
    };
    return { debug: at(0, 'DEBUG'), info: at(1, 'INFO'), warn: at(2, 'WARN') };
  }

  run(text: string): string {
    this.out = [];
    const name = text.split(/\s+/)[0] ?? '';
    const kv = new Map<string, string>();
    const pos: string[] = [];
    for (const a of text
      .replace(/\(([^)]*)\)/g, (_, inner: string) => `(${inner.trim().replace(/\s+/g, ',')})`)
      .split(/\s+/)
      .slice(1)) {
      const eq = a.indexOf('=');
      if (eq > 0) kv.set(a.slice(0, eq), a.slice(eq + 1));
      else pos.push(a);
    }
    const id = (i = 0): RaftId => {
      const v = Number(pos[i]);
      if (!Number.isInteger(v)) throw new Error(`${name}: expected a node id, got ${pos[i]}`);
      return v;
    };
    const ids = (): RaftId[] => pos.map((_, i) => id(i));
    switch (name) {
      case 'add-nodes':
        this.addNodes(Number(pos[0]), kv);
        break;
      case 'campaign':
        this.c().node(id()).node().campaign();
        break;
      case 'propose':
        this.propose(id(), () =>
          this.c()
            .node(id())
            .node()
            .propose(new TextEncoder().encode(pos[1] ?? '')),
        );
        break;
      case 'propose-conf-change':
        this.propose(id(), () =>
          this.c()
            .node(id())
            .node()
            .proposeConfChange(parseConfChange(pos[1] ?? '')),
        );
        break;
      case 'transfer-leadership':
        this.c().node(id(0)).node().transferLeadership(id(1));
        break;
      case 'read-index':
        this.c()
          .node(id())
          .node()
          .readIndex(new TextEncoder().encode(pos[1] ?? ''));
        break;
      case 'report-unreachable':
        this.c().node(id(0)).node().reportUnreachable(id(1));
        break;
      case 'tick-heartbeat':
        for (const n of ids()) this.c().tick(n, this.heartbeatTick);
        break;
      case 'tick-election':
        for (const n of ids()) this.c().tick(n, this.electionTick);
        break;
      case 'tick':
        this.c().tick(id(0), id(1));
        break;
      case 'process-ready':
        for (const n of ids()) this.c().processReady(n);
        break;
      case 'deliver-msgs': {
        const from = kv.has('from') ? Number(kv.get('from')) : undefined;
        for (const n of ids()) this.c().deliver(n, from);
        break;
      }
      case 'drop-msgs':
        for (const n of ids()) {
          for (const m of this.c().mailbox.get(n) ?? []) this.out.push(`dropped: ${describeMessage(m)}`);
          this.c().mailbox.set(n, []);
        }
        break;
      case 'stabilize':
        this.c().stabilize(pos.length > 0 ? ids() : undefined);
        break;
      case 'partition':
        this.c().partition(pos.map((g) => g.split(',').map(Number)));
        break;
      case 'heal':
        this.c().heal();
        break;
      case 'crash':
        this.c().crash(id());
        break;
      case 'restart':
        this.c().restart(id());
        break;
      case 'status':
        this.status(id());
        break;
      case 'raft-log':
        this.raftLog(id());
        break;
      case 'compact': {
        const n = this.c().node(id());
        n.compact(pos[1] === undefined ? 0 : Number(pos[1]));
        this.out.push(`snapshot ${describeSnapshot(n.disk.snapshot())}, first index ${n.disk.firstIndex()}`);
        break;
      }
      case 'log-level': {
        const lvl = LEVELS.indexOf(pos[0] ?? '');
        if (lvl < 0) throw new Error(`log-level: one of ${LEVELS.join(', ')}`);
        this.level = lvl;
        break;
      }
      default:
        throw new Error(`unknown command ${name}`);
    }
    return this.out.length === 0 ? 'ok' : this.out.join('\n');
  }

  private propose(id: RaftId, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      if (!isProposalDropped(err)) throw err;
      this.out.push(`error: ${(err as Error).message}`);
    }
  }

  private addNodes(n: number, kv: Map<string, string>): void {
    const list = (k: string): RaftId[] =>
      (kv.get(k) ?? '()')
        .replace(/[()]/g, '')
        .split(',')
        .filter((s) => s !== '')
        .map(Number);
    const num = (k: string, d: number): number => (kv.has(k) ? Number(kv.get(k)) : d);
    const bool = (k: string, d: boolean): boolean => (kv.has(k) ? kv.get(k) === 'true' : d);
    if (!this.cluster) {
      this.electionTick = num('election-tick', 10);
      this.heartbeatTick = num('heartbeat-tick', 1);
      const options: NodeOptions = {
        electionTick: this.electionTick,
        heartbeatTick: this.heartbeatTick,
        checkQuorum: bool('check-quorum', false),
        preVote: bool('pre-vote', false),
        maxSizePerMsg: num('max-size-per-msg', 1024 * 1024),
        maxInflightMsgs: num('max-inflight', 256),
        maxInflightBytes: num('max-inflight-bytes', 0),
        disableProposalForwarding: bool('disable-forwarding', false),
      };
      this.cluster = new Cluster({
        node: options,
        // Election timeouts are exactly electionTick: transcripts stay readable and stable.
        random: () => 0,
        trace: (line) => this.out.push(line),
        logger: (id) => this.logger(id),
      });
    }
    const c = this.cluster;
    const first = Math.max(0, ...c.ids()) + 1;
    const newIds = Array.from({ length: n }, (_, i) => first + i);
    const voters = list('voters');
    if (voters.length > 0) c.addBootstrapped(newIds, { voters, learners: list('learners') });
    else for (const id of newIds) c.addNode(id);
  }

  private status(id: RaftId): void {
    const n = this.c().node(id);
    if (!n.rn) {
      this.out.push(`${id} is down`);
      return;
    }
    const st = n.rn.status();
    this.out.push(
      `${id}: ${st.softState.raftState} lead ${st.softState.lead} ${describeHardState(st.hardState)} applied ${st.applied}`,
      `voters (${st.confState.voters.join(' ')}) learners (${st.confState.learners.join(' ')})`,
    );
    for (const [peer, p] of st.progress ?? []) {
      this.out.push(
        `  ${peer}: ${p.state} match=${p.match} next=${p.next}${p.isLearner ? ' learner' : ''}${p.inflight > 0 ? ` inflight=${p.inflight}` : ''}`,
      );
    }
  }

  private raftLog(id: RaftId): void {
    const disk = this.c().node(id).disk;
    const first = disk.firstIndex();
    const last = disk.lastIndex();
    if (last < first) {
      this.out.push(`log is empty: first index ${first}, last index ${last}`);
      return;
    }
    for (const e of disk.entries(first, last + 1, Infinity)) this.out.push(describeEntry(e));
  }
}

function renderFields(fields: RaftLogFields): string {
  const value = (v: unknown): string => {
    if (Array.isArray(v)) return `(${v.join(' ')})`;
    if (typeof v === 'string' && /\s/.test(v)) return JSON.stringify(v);
    return String(v);
  };
  return Object.entries(fields)
    .map(([k, v]) => ` ${k}=${value(v)}`)
    .join('');
}

function parseConfChange(s: string): ConfChange {
  const types: Record<string, ConfChangeType> = {
    v: ConfChangeType.AddNode,
    l: ConfChangeType.AddLearnerNode,
    r: ConfChangeType.RemoveNode,
  };
  const type = types[s[0] ?? ''];
  const nodeId = Number(s.slice(1));
  if (type === undefined || !Number.isInteger(nodeId))
    throw new Error(`conf change: expected v<id>, l<id> or r<id>, got ${s}`);
  return { type, nodeId, context: new Uint8Array() };
}

const files = readdirSync(TESTDATA)
  .filter((f) => f.endsWith('.txt'))
  .sort();

for (const file of files) {
  test(`transcript ${file}`, (t) => {
    const path = TESTDATA + file;
    const src = readFileSync(path, 'utf8');
    const env = new TranscriptEnv();
    const cmds = parse(src);
    const outputs = cmds.map((c) => env.run(c.text));
    if (process.env['REWRITE'] === '1') {
      writeFileSync(path, render(src, outputs));
      t.pass();
      return;
    }
    cmds.forEach((c, i) => t.is(outputs[i], c.expected, `${file}: ${c.text}`));
  });
}

test('transcript files exist', (t) => {
  t.true(files.length >= 8);
});
