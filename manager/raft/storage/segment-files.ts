/** Names of WAL segment files: `<seq:16 hex>-<firstIndex:16 hex>.wal`. */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { FlotillaError } from '../../../lib/errors.js';

export interface SegmentFile {
  seq: number;
  /** Index of the first entry appended to this segment when it was created. */
  firstIndex: number;
  path: string;
}

const SEGMENT_NAME = /^([0-9a-f]{16})-([0-9a-f]{16})\.wal$/;

export function segmentFileName(seq: number, firstIndex: number): string {
  return `${hex16(seq)}-${hex16(firstIndex)}.wal`;
}

/** The segment files in `dir`, by sequence number; fails if the sequence has a hole. */
export async function listSegments(dir: string): Promise<SegmentFile[]> {
  const segments: SegmentFile[] = [];
  for (const name of await fs.readdir(dir)) {
    const m = SEGMENT_NAME.exec(name);
    if (m) {
      segments.push({
        seq: parseInt(m[1] as string, 16),
        firstIndex: parseInt(m[2] as string, 16),
        path: path.join(dir, name),
      });
    }
  }
  segments.sort((a, b) => a.seq - b.seq);
  for (let i = 1; i < segments.length; i++) {
    const prev = segments[i - 1] as SegmentFile;
    const cur = segments[i] as SegmentFile;
    if (cur.seq !== prev.seq + 1) {
      throw new FlotillaError(
        'CORRUPT',
        `WAL segment missing between ${path.basename(prev.path)} and ${path.basename(cur.path)} in ${dir}: ` +
          'the log cannot be replayed; restore the directory from a backup or remove this manager and re-add it',
      );
    }
  }
  return segments;
}

export function hex16(n: number): string {
  return n.toString(16).padStart(16, '0');
}
