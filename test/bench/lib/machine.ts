// The machine a run was on: CPU model, cores, RAM, OS, Node and Java versions.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  os: string;
  node: string;
  java: string;
  summary: string;
}

function javaVersion(): string {
  try {
    // `java -version` prints to stderr.
    const r = execFileSync('sh', ['-c', 'java -version 2>&1'], { encoding: 'utf8' });
    const version = /version "([^"]+)"/.exec(r)?.[1];
    const vm = /^.*(?:Server|Client) VM/m.exec(r)?.[0];
    return version ? `Java ${version}${vm ? ` (${vm})` : ''}` : 'Java: unknown';
  } catch {
    return 'Java: not found';
  }
}

function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    return `${m?.[1] ?? 'Linux'}, kernel ${release()}`;
  } catch {
    return `Linux ${release()}`;
  }
}

export function describeMachine(): Machine {
  const cpuList = cpus();
  const cpu = cpuList[0]?.model.trim() ?? 'unknown CPU';
  const cores = cpuList.length;
  const ramGiB = Math.round((totalmem() / 1024 ** 3) * 10) / 10;
  const os = osName();
  const java = javaVersion();
  const node = `Node ${process.version}`;
  return { cpu, cores, ramGiB, os, node, java, summary: `${cpu}, ${cores} cores, ${ramGiB} GiB RAM, ${os}, ${node}, ${java}` };
}
