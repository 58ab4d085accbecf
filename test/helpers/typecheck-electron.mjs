// Type-checks the Electron-only code (main process window, preload) when Electron's typings are installed.
// npm drops the optional electron package where its binary download fails; then this says so and skips,
// except under CI=true, where .ci/run keeps the package (ELECTRON_SKIP_BINARY_DOWNLOAD=1) and it must run.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let typings = null;
try {
  typings = require.resolve('electron/electron.d.ts');
} catch {
  typings = null;
}
if (!typings || !existsSync(typings)) {
  const msg = '[skip] Electron typings not installed (npm dropped the optional electron package); Electron-only code not type-checked';
  if (process.env.CI === 'true') {
    console.error(`${msg}; CI=true requires them`);
    process.exit(1);
  }
  console.warn(msg);
  process.exit(0);
}
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.electron.json'], { stdio: 'inherit' });
