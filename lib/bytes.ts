/** Bytes as people read them. */

/** The first bytes of some data in hex, for a log line about data that could not be read. */
export function hexHead(data: Uint8Array, bytes = 16): string {
  const head = Buffer.from(data.buffer, data.byteOffset, Math.min(bytes, data.byteLength)).toString('hex');
  return data.byteLength > bytes ? `${head}…` : head;
}
