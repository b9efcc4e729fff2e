/**
 * DNS over TCP's framing (RFC 1035 §4.2.2): each message is preceded by its length in two
 * bytes, and one connection carries any number of them.
 */

/** Gathers the bytes of a connection and hands back each whole message as it completes. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  /** The messages completed by `chunk` (a length can never exceed 65,535, so neither can what waits). */
  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const messages: Buffer[] = [];
    while (this.pending.length >= 2) {
      const length = this.pending.readUInt16BE(0);
      if (this.pending.length < 2 + length) break;
      messages.push(this.pending.subarray(2, 2 + length));
      this.pending = this.pending.subarray(2 + length);
    }
    return messages;
  }
}

/** `message` with its length before it. */
export function frame(message: Buffer): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(message.length);
  return Buffer.concat([length, message]);
}
