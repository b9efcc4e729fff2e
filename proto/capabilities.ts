/**
 * Linux capability names, shared by the API's validation and the container runtimes: the set
 * a container gets by default (Docker's), and every name the kernel knows.
 */

/** The capabilities a container gets unless told otherwise (Docker's default set). */
export const DEFAULT_CAPABILITIES = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

/** Every capability name the kernel knows, for "ALL" and for checking names. */
export const ALL_CAPABILITIES = [
  ...DEFAULT_CAPABILITIES,
  'CAP_DAC_READ_SEARCH',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_LEASE',
  'CAP_AUDIT_CONTROL',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
];

/** "net_admin", "NET_ADMIN" or "CAP_NET_ADMIN" as the kernel names it; undefined if unknown. */
export function capabilityName(name: string): string | undefined {
  const upper = name.toUpperCase();
  const full = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  return ALL_CAPABILITIES.includes(full) ? full : undefined;
}
