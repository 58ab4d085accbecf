// The GUI backend, started on the first contract call instead of with the cluster. Until a window or browser asks
// for something, nobody looks at it: loading the Kafka client (its ajv schemas compile at construction), polling
// every connection every 2 s and diffing metadata cost ~0.5 s of main-thread CPU during the brokers' start-up and
// memory for as long as the process runs — for `eddy --no-ui`, the embedded use and scripts, always wasted.
import { UI_METHODS, type UiApi } from '../contract/ui-api.js';
import type { GuiBackend, GuiBackendOptions } from './backend.js';

export class LazyBackend {
  /** The contract, served to windows and browsers; its first call starts the backend. */
  readonly api: UiApi;
  private starting: Promise<GuiBackend> | null = null;

  constructor(private readonly opts: GuiBackendOptions) {
    const api: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
    for (const name of UI_METHODS) {
      api[name] = async (...args) => {
        const backend = (await this.backend()) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
        return backend[name]!(...args);
      };
    }
    this.api = api as unknown as UiApi;
  }

  /** The backend, started on first use; it answers once the local cluster's connection has been checked. */
  backend(): Promise<GuiBackend> {
    if (!this.starting) {
      const starting = (async () => {
        // A separate chunk: the Kafka client and the message decoders load only here.
        const { GuiBackend } = await import('./backend.js');
        const backend = new GuiBackend(this.opts);
        await backend.ready();
        return backend;
      })();
      this.starting = starting;
      // A failed start is not remembered: the next call tries again.
      starting.catch(() => {
        if (this.starting === starting) this.starting = null;
      });
    }
    return this.starting;
  }

  /** Closes the backend's clients if it was started (waiting for a start under way). */
  async close(): Promise<void> {
    const backend = await this.starting?.catch(() => null);
    await backend?.close();
  }
}
