/** Reading Prometheus's text format in tests: the value of one sample. */

/** The value of `name` with exactly these labels in a scrape's text; undefined if it has none. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = (m[2] ?? '').split(',').filter(Boolean).sort().join(',');
    if (got === want) return Number(m[3]);
  }
  return undefined;
}

/** Whether the text declares a metric of this name (its TYPE line). */
export function declares(text: string, name: string): boolean {
  return text.split('\n').some((l) => l.startsWith(`# TYPE ${name} `));
}
