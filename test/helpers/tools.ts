// Finds the system tools that some tests need (kcat, Java, Python clients, Chromium).
// A missing tool skips its tests with a printed reason; under CI=true it fails the run instead,
// because .ci/run installs every tool and a silent skip there would hide a broken install.
import { execFileSync } from 'node:child_process';

export interface ToolCheck {
  available: boolean;
  reason: string;
}

const inCI = process.env.CI === 'true' || process.env.CI === '1';

function probe(cmd: string, args: string[]): ToolCheck {
  try {
    execFileSync(cmd, args, { stdio: 'pipe', timeout: 20_000 });
    return { available: true, reason: '' };
  } catch (e) {
    return { available: false, reason: `${cmd} ${args.join(' ')} failed: ${(e as Error).message.split('\n')[0]}` };
  }
}

const cache = new Map<string, ToolCheck>();

/**
 * Returns whether a tool works. When it does not: prints why, and under CI throws so the suite fails.
 * Use as `const kcat = tool('kcat'); describe.skipIf(!kcat.available)(...)`.
 */
export function tool(name: string, cmd: string = name, args: string[] = ['--version']): ToolCheck {
  const key = `${name}:${cmd}:${args.join(' ')}`;
  let check = cache.get(key);
  if (!check) {
    check = probe(cmd, args);
    cache.set(key, check);
  }
  if (!check.available) {
    const msg = `[skip] ${name} not available (${check.reason})`;
    if (inCI) throw new Error(`${msg}; CI=true requires it (.ci/run installs it)`);
    console.warn(msg);
  }
  return check;
}
