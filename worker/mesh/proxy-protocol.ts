/** The PROXY protocol v1 header: one text line that tells the task who the client is. */
import { isIPv4, isIPv6 } from 'node:net';

interface Ends {
  remoteAddress?: string;
  remotePort?: number;
  localAddress?: string;
  localPort?: number;
}

/** "PROXY TCP4 client server cport sport\r\n", or "PROXY UNKNOWN\r\n" when the ends are not known. */
export function proxyHeaderV1(s: Ends): string {
  const src = s.remoteAddress ?? '';
  const dst = s.localAddress ?? '';
  if (isIPv4(src) && isIPv4(dst)) return `PROXY TCP4 ${src} ${dst} ${s.remotePort} ${s.localPort}\r\n`;
  if (isIPv6(src) && isIPv6(dst)) return `PROXY TCP6 ${src} ${dst} ${s.remotePort} ${s.localPort}\r\n`;
  return 'PROXY UNKNOWN\r\n';
}
