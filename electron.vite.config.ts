import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

// electron-vite asks the installed electron package for its version; on machines where Electron's binary
// download failed, npm drops that optional package, so tell it the version we depend on instead.
if (!process.env.ELECTRON_MAJOR_VER) {
  const pkg = JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as { optionalDependencies?: Record<string, string> };
  const major = /\d+/.exec(pkg.optionalDependencies?.electron ?? '')?.[0];
  if (major) process.env.ELECTRON_MAJOR_VER = major;
}

// The main-process bundle also runs in plain Node (headless `eddy`, the embedded `startCluster` API),
// so it targets the oldest Node we support rather than Electron's newer bundled Node, and the
// format is pinned so the build does not depend on the Electron package being installed.
const nodeTarget = 'node20';

export default defineConfig({
  main: {
    build: {
      target: nodeTarget,
      outDir: 'out/main',
      // comlink is bundled (its ES build, ~10 KB): as an external dependency Node resolves its UMD CommonJS file
      // through the ES module loader, a lexer pass, in the main thread and again in every broker worker at start-up.
      externalizeDeps: { exclude: ['comlink'] },
      rolldownOptions: {
        input: {
          index: resolve('main/index.ts'),
          headless: resolve('main/headless.ts'),
          launch: resolve('main/launch.ts'),
          api: resolve('main/api.ts'),
          'broker-worker': resolve('worker/broker/index.ts'),
          'cleaner-worker': resolve('worker/broker/log/cleaner-worker.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      target: nodeTarget,
      outDir: 'out/preload',
      rolldownOptions: {
        input: { index: resolve('main/preload/index.ts') },
        // Sandboxed preload scripts must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [svelte()],
    build: {
      outDir: 'out/renderer',
      rolldownOptions: { input: { index: resolve('renderer/index.html') } },
    },
  },
});
