// Number, size and time formats used across pages.
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : integer.format(n);
}

export function formatRate(perSec: number | null | undefined): string {
  if (perSec === null || perSec === undefined) return '—';
  return perSec >= 100 ? integer.format(perSec) : decimal.format(perSec);
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? integer.format(v) : decimal.format(v)} ${units[u]}`;
}

/** Local time with milliseconds: what a Kafka user compares record timestamps with. */
export function formatTimestamp(ms: number): string {
  if (ms < 0) return '—';
  const d = new Date(ms);
  const pad = (x: number, n = 2) => String(x).padStart(n, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
