/**
 * The nemesis: applies a schedule's faults to a lab, one at a time, and undoes each when its
 * time is up. Every fault acts on the hosts as the kernel has them (signals to every process
 * of a host, nf_tables drops inside the hosts, a filler file on a tmpfs) or, for membership,
 * through the Control API as a user would.
 */
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describeError } from '../lib/errors.js';
import type { ControlClient } from '../proto/gen/flotilla/Control.js';
import { call } from '../proto/rpc.js';
import type { NodeRole } from '../proto/types.js';
import { cutOff, hostPids, killHost, reconnect } from '../cli/lab/hosts.js';
import { restartHost } from '../cli/lab/lifecycle.js';
import { labHost, type Lab, type LabHost } from '../cli/lab/state.js';
import { describeFault, type Fault } from './schedule.js';

/** What became of a fault: applied, or why not (a membership change without a quorum, say). */
export interface FaultRecord {
  readonly fault: string;
  readonly applied: boolean;
  readonly note?: string;
}

const FILLER = 'chaos-filler';

export class Nemesis {
  readonly records: FaultRecord[] = [];
  /** Hosts the nemesis killed and has not restarted: their daemons are meant to be down. */
  private readonly killed = new Set<string>();
  private readonly stopped = new Set<string>();
  /** Nodes whose role the nemesis changed and has not changed back: the role to give back. */
  private readonly roles = new Map<string, NodeRole>();

  constructor(
    private readonly lab: Lab,
    private readonly controls: (host: LabHost) => ControlClient,
    private readonly log: (line: string) => void,
  ) {}

  /** Runs the schedule from `start` (a Date.now()) until its last fault has ended, or `signal` aborts. */
  async run(schedule: readonly Fault[], start: number, signal: AbortSignal): Promise<void> {
    for (const fault of schedule) {
      const wait = start + fault.at - Date.now();
      if (wait > 0) await delay(wait, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      const undo = await this.apply(fault);
      await delay(fault.durationMs, undefined, { signal }).catch(() => undefined);
      await undo();
    }
  }

  isKilled(host: string): boolean {
    return this.killed.has(host);
  }

  /** Ends whatever is still in force: partitions, stopped processes, a full disk, killed hosts. */
  async healAll(): Promise<void> {
    for (const host of this.lab.hosts) await reconnect(host);
    for (const name of this.stopped) await this.signalHost(labHost(this.lab, name), 'SIGCONT');
    this.stopped.clear();
    for (const host of this.lab.hosts) await rm(join(host.dataDir, FILLER), { force: true });
    for (const name of this.killed) await this.restart(labHost(this.lab, name));
    for (const [name, role] of this.roles) await this.restoreRole(labHost(this.lab, name), role, 60_000);
  }

  /** Gives a node its role back, trying until `timeoutMs` (a quorum may take a moment to return). */
  private async restoreRole(host: LabHost, role: NodeRole, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.setRole(host, role);
        this.roles.delete(host.name);
        return;
      } catch (err) {
        if (Date.now() > deadline) {
          this.log(`nemesis: ${host.name} back to ${role} failed: ${describeError(err)}`);
          return;
        }
        await delay(1_000);
      }
    }
  }

  /** Applies a fault and returns what undoes it. A fault that cannot be applied is recorded as such. */
  private async apply(fault: Fault): Promise<() => Promise<void>> {
    const said = describeFault(fault);
    const record = (applied: boolean, note?: string) => {
      this.records.push({ fault: said, applied, ...(note ? { note } : {}) });
      this.log(`nemesis: ${said}${applied ? '' : ` (not applied: ${note})`}`);
    };
    const hosts = fault.hosts.map((name) => labHost(this.lab, name));
    try {
      switch (fault.kind) {
        case 'kill': {
          const [host] = hosts as [LabHost];
          await killHost(host);
          this.killed.add(host.name);
          record(true);
          return () => this.restart(host);
        }
        case 'pause': {
          const [host] = hosts as [LabHost];
          this.stopped.add(host.name);
          await this.signalHost(host, 'SIGSTOP');
          record(true);
          return async () => {
            await this.signalHost(host, 'SIGCONT');
            this.stopped.delete(host.name);
          };
        }
        case 'isolate-leader': {
          const leader = await this.leader();
          if (!leader) {
            record(false, 'no manager leads');
            return async () => undefined;
          }
          await cutOff(leader, this.addressesBut([leader]));
          record(true, `leader ${leader.name}`);
          return () => reconnect(leader);
        }
        case 'split': {
          const others = this.lab.hosts.filter((h) => !hosts.includes(h));
          for (const host of hosts)
            await cutOff(
              host,
              others.map((h) => h.address),
            );
          record(true);
          return async () => {
            for (const host of hosts) await reconnect(host);
          };
        }
        case 'one-way': {
          const [to, from] = hosts as [LabHost, LabHost];
          await cutOff(to, [from.address], true);
          record(true);
          return () => reconnect(to);
        }
        case 'disk-full': {
          const [host] = hosts as [LabHost];
          const filled = await fill(host.dataDir);
          record(true, `${(filled / 2 ** 20).toFixed(0)} MiB filler`);
          return () => rm(join(host.dataDir, FILLER), { force: true });
        }
        case 'promote':
        case 'demote': {
          const [host] = hosts as [LabHost];
          const role: NodeRole = fault.kind === 'promote' ? 'MANAGER' : 'WORKER';
          const back: NodeRole = role === 'MANAGER' ? 'WORKER' : 'MANAGER';
          await this.setRole(host, role);
          this.roles.set(host.name, back);
          record(true);
          return () => this.restoreRole(host, back, 10_000);
        }
      }
    } catch (err) {
      record(false, describeError(err));
      return async () => undefined;
    }
  }

  private async restart(host: LabHost): Promise<void> {
    await restartHost(this.lab, host, (line) => this.log(`nemesis: ${line}`));
    this.killed.delete(host.name);
  }

  private async signalHost(host: LabHost, sig: 'SIGSTOP' | 'SIGCONT'): Promise<void> {
    for (const pid of await hostPids(host)) {
      try {
        process.kill(pid, sig);
      } catch {
        // Gone meanwhile.
      }
    }
  }

  private addressesBut(hosts: LabHost[]): string[] {
    return this.lab.hosts.filter((h) => !hosts.includes(h)).map((h) => h.address);
  }

  /** The host of the leading manager, as the first manager that answers says. */
  private async leader(): Promise<LabHost | undefined> {
    for (const host of this.lab.hosts) {
      try {
        const { nodes } = await call(this.controls(host), this.controls(host).ListNodes, {}, 3_000);
        const leader = nodes.find((n) => n.managerStatus?.leader);
        const name = leader?.description?.hostname;
        if (name) return labHost(this.lab, name);
      } catch {
        // Not a manager now, or no quorum: ask the next.
      }
    }
    return undefined;
  }

  /** Changes a node's role through the first manager that takes the change; else says why each host refused. */
  private async setRole(host: LabHost, role: NodeRole): Promise<void> {
    const refusals: string[] = [];
    for (const via of this.lab.hosts) {
      const c = this.controls(via);
      try {
        const { nodes } = await call(c, c.ListNodes, {}, 3_000);
        const node = nodes.find((n) => n.description?.hostname === host.name);
        if (!node?.spec) throw new Error(`no node ${host.name}`);
        await call(c, c.UpdateNode, {
          nodeId: node.id,
          version: node.meta?.version ?? 0,
          spec: { ...node.spec, desiredRole: role },
        });
        return;
      } catch (err) {
        refusals.push(`${via.name}: ${describeError(err)}`);
      }
    }
    throw new Error(refusals.join('; ') || 'no manager answered');
  }
}

/** Fills the file system of `dir` to its last block with a filler file; returns its size. */
async function fill(dir: string): Promise<number> {
  const file = await open(join(dir, FILLER), 'w');
  let written = 0;
  try {
    // Written, not allocated: big chunks until the disk refuses, then small ones for the rest.
    for (const size of [1 << 20, 4096]) {
      const chunk = Buffer.alloc(size);
      try {
        for (;;) {
          const { bytesWritten } = await file.write(chunk);
          written += bytesWritten;
          if (bytesWritten < size) break;
        }
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      }
    }
  } finally {
    await file.close();
  }
  return written;
}
