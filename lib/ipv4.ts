/** IPv4 addresses as numbers, and subnets in CIDR notation. */
import { isIPv4 } from 'node:net';

export function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0) >>> 0;
}

export function numberToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
}

/** An IPv4 subnet with room for containers (prefix 8 to 29), as network number and prefix. */
export function parseSubnet(cidr: string): { base: number; prefix: number } | undefined {
  const [ip = '', bits = ''] = cidr.split('/');
  const prefix = Number(bits);
  if (!isIPv4(ip) || !/^\d+$/.test(bits) || prefix < 8 || prefix > 29) return undefined;
  const base = ipv4ToNumber(ip);
  const mask = (0xffffffff << (32 - prefix)) >>> 0;
  return (base & mask) >>> 0 === base ? { base, prefix } : undefined;
}

/** Whether two subnets (as parseSubnet gives them) share an address. */
export function subnetsOverlap(
  a: { base: number; prefix: number },
  b: { base: number; prefix: number },
): boolean {
  const prefix = Math.min(a.prefix, b.prefix);
  const mask = (0xffffffff << (32 - prefix)) >>> 0;
  return (a.base & mask) >>> 0 === (b.base & mask) >>> 0;
}
