/**
 * The health check of one running task: the check's command run in the task's context
 * through the runtime driver's exec, first at once and then every interval. The task is
 * healthy from the first success; it is unhealthy after `retries` failures in a row (those
 * within the start period do not count), and then the monitor stops.
 */
import { describeError } from '../lib/errors.js';
import type { HealthCheck, HealthState } from '../proto/types.js';
import type { RuntimeDriver } from '../runtime/driver.js';

export type HealthListener = (health: HealthState, output: string) => void;

/** The last lines of a check's output, enough to say why it failed. */
function summary(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ').slice(0, 200);
}

export class HealthMonitor {
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private failures = 0;
  private health: HealthState = 'HEALTH_STARTING';
  private readonly startedAt = Date.now();

  constructor(
    private readonly driver: RuntimeDriver,
    private readonly containerId: string,
    private readonly check: HealthCheck,
    private readonly onChange: HealthListener,
  ) {}

  start(): void {
    void this.probe();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private async probe(): Promise<void> {
    const result = await this.run();
    if (this.closed) return;
    if (result.ok) {
      this.failures = 0;
      this.change('HEALTHY', '');
    } else if (Date.now() - this.startedAt >= this.check.startPeriodMs) {
      this.failures++;
      if (this.failures >= Math.max(1, this.check.retries)) {
        this.change('UNHEALTHY', result.output);
        this.close();
        return;
      }
    }
    // Checks never keep a stopping daemon alive: its tasks outlive it, and the next one checks them.
    this.timer = setTimeout(() => void this.probe(), this.check.intervalMs).unref();
  }

  /** One check; the driver kills a check that outlives its timeout, so hung checks do not pile up. */
  private async run(): Promise<{ ok: boolean; output: string }> {
    const { timeoutMs } = this.check;
    return this.driver
      .exec(this.containerId, ['/bin/sh', '-c', this.check.cmd], { timeoutMs })
      .then((r) => ({
        ok: r.exitCode === 0 && !r.timedOut,
        output: r.timedOut
          ? `health check timed out after ${timeoutMs}ms`
          : summary(`${r.stdout}\n${r.stderr}`) || `exit code ${r.exitCode}`,
      }))
      .catch((err: unknown) => ({ ok: false, output: describeError(err) }));
  }

  private change(health: HealthState, output: string): void {
    if (health === this.health) return;
    this.health = health;
    this.onChange(health, output);
  }
}
