/** Sizes for people, in the binary units the size flags read ("512K" is 512 KiB). */
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** "512 KiB", "2 GiB", "3.1 MiB": the largest unit that fits, with one decimal unless whole. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${UNITS[unit]}`;
}
