// Memory and CPU of processes, from /proc (Linux): the resident set of a system under test, the CPU it
// burned during a run, and how busy the whole machine was meanwhile (the machine is shared: CPU used by
// anything else during a run is reported as noise next to the result).
import { readFileSync } from 'node:fs';

const CLOCK_TICKS = 100; // USER_HZ; 100 on every Linux this runs on

/** VmRSS of a process in bytes; 0 if it is gone. */
export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * RssAnon of a process in bytes (private memory: heaps, stacks; not file pages), 0 if gone. VmRSS also
 * counts file pages a process has mapped and touched — for Eddy the LMDB data files it reads, which are
 * page cache, not memory Eddy holds the way a JVM holds its heap.
 */
export function anonRssBytes(pid: number): number {
  try {
    const m = /RssAnon:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** User + system CPU seconds of a process (all its threads); 0 if it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLOCK_TICKS; // utime, stime (fields 14, 15)
  } catch {
    return 0;
  }
}

/** CPU seconds the whole machine spent busy (all cores; not idle, not iowait) since boot. */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  return (total - v[3]! - v[4]!) / CLOCK_TICKS;
}

export interface Usage {
  /** Highest sum of VmRSS over the watched processes, sampled every intervalMs (bytes). */
  peakRss: number;
  /** Highest sum of RssAnon (bytes). */
  peakAnonRss: number;
  /** CPU seconds of the watched processes during the window. */
  cpu: number;
  /** CPU seconds of the extra (client) processes during the window, from their last sample. */
  clientCpu: number;
  /** CPU seconds of the peer processes (the other system, idle meanwhile) during the window. */
  peerCpu: number;
  /** CPU seconds the rest of the machine used during the window: busy - watched - clients - peers. */
  otherCpu: number;
  seconds: number;
}

/**
 * Watches a set of processes (the system under test) from start() to stop(): peak summed RSS, their CPU,
 * the peers' CPU (the other system, idle meanwhile) and everyone else's CPU. Client processes (benchmark tools) can be added so that they are not counted
 * as noise.
 */
export class UsageSampler {
  private peak = 0;
  private peakAnon = 0;
  private timer: NodeJS.Timeout | undefined;
  private cpu0 = 0;
  private peer0 = 0;
  private busy0 = 0;
  private t0 = 0;
  /** pid -> CPU seconds when added and the last seen (a process that has exited keeps its last value). */
  private readonly clients = new Map<number, { base: number; last: number }>();

  constructor(
    private readonly pids: () => number[],
    private readonly peers: () => number[] = () => [],
    private readonly intervalMs = 100,
  ) {}

  private peerCpu(): number {
    let s = 0;
    for (const p of this.peers()) s += cpuSeconds(p);
    return s;
  }

  private sumRss(): number {
    let s = 0;
    for (const p of this.pids()) s += rssBytes(p);
    return s;
  }

  private sumAnon(): number {
    let s = 0;
    for (const p of this.pids()) s += anonRssBytes(p);
    return s;
  }

  private sumCpu(): number {
    let s = 0;
    for (const p of this.pids()) s += cpuSeconds(p);
    return s;
  }

  private sampleClients(): void {
    for (const [pid, c] of this.clients) {
      const now = cpuSeconds(pid);
      if (now > 0) c.last = now;
    }
  }

  /**
   * Counts this process (its CPU from now on) as a benchmark client, not as noise: a client just spawned, or
   * the bench process itself when it is the client.
   */
  addClient(pid: number | undefined): void {
    if (!pid || this.clients.has(pid)) return;
    const base = cpuSeconds(pid);
    this.clients.set(pid, { base, last: base });
  }

  start(): this {
    this.peak = this.sumRss();
    this.peakAnon = this.sumAnon();
    this.cpu0 = this.sumCpu();
    this.peer0 = this.peerCpu();
    this.busy0 = machineBusySeconds();
    this.t0 = performance.now();
    this.timer = setInterval(() => {
      this.peak = Math.max(this.peak, this.sumRss());
      this.peakAnon = Math.max(this.peakAnon, this.sumAnon());
      this.sampleClients();
    }, this.intervalMs);
    return this;
  }

  stop(): Usage {
    clearInterval(this.timer);
    this.peak = Math.max(this.peak, this.sumRss());
    this.peakAnon = Math.max(this.peakAnon, this.sumAnon());
    this.sampleClients();
    const cpu = this.sumCpu() - this.cpu0;
    const peerCpu = this.peerCpu() - this.peer0;
    const busy = machineBusySeconds() - this.busy0;
    let clientCpu = 0;
    for (const c of this.clients.values()) clientCpu += c.last - c.base;
    return {
      peakRss: this.peak,
      peakAnonRss: this.peakAnon,
      cpu,
      clientCpu,
      peerCpu,
      otherCpu: Math.max(0, busy - cpu - clientCpu - peerCpu),
      seconds: (performance.now() - this.t0) / 1000,
    };
  }
}
