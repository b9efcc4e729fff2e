/**
 * iptables rules that a node keeps in the machine's shared chains (FORWARD, POSTROUTING...):
 * each is added once, at the head of its chain, ahead of rules and a policy that would drop or
 * rewrite the traffic first (Docker sets FORWARD's policy to DROP).
 */
import { systemTool, trySystemTool } from './run-captured.js';

export interface IptablesRule {
  table: 'nat' | 'filter';
  chain: string;
  /** The rule's matches and target, as iptables takes them after the chain. */
  rule: string[];
}

/** Adds each rule that is missing at the head of its chain. */
export async function ensureRulesFirst(rules: readonly IptablesRule[]): Promise<void> {
  for (const { table, chain, rule } of rules) {
    const present = await trySystemTool(['iptables', '-w', '-t', table, '-C', chain, ...rule]);
    if (present.exitCode !== 0) await systemTool(['iptables', '-w', '-t', table, '-I', chain, '1', ...rule]);
  }
}
