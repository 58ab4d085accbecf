// The app's settings (theme, and the local cluster's broker count and first port), kept in settings.json in the
// app-data folder. Broker count and port are what the local cluster starts with when the command line does not say.
import { join } from 'node:path';
import type { Theme } from '../contract/ui-api.js';
import { readJsonFile, writeJsonFile } from './json-file.js';

export interface StoredSettings {
  theme: Theme;
  /** Unset: the command line's (or the default) count. */
  brokerCount?: number;
  basePort?: number;
}

const THEMES: readonly Theme[] = ['light', 'dark', 'system'];

export class SettingsStore {
  readonly file: string;
  private value: StoredSettings;

  constructor(appDataDir: string) {
    this.file = join(appDataDir, 'settings.json');
    const raw = readJsonFile<Partial<StoredSettings>>(this.file, {});
    this.value = {
      theme: THEMES.includes(raw.theme as Theme) ? (raw.theme as Theme) : 'system',
      ...(Number.isInteger(raw.brokerCount) ? { brokerCount: raw.brokerCount } : {}),
      ...(Number.isInteger(raw.basePort) ? { basePort: raw.basePort } : {}),
    };
  }

  get(): StoredSettings {
    return { ...this.value };
  }

  update(patch: Partial<StoredSettings>): StoredSettings {
    this.value = { ...this.value, ...patch };
    writeJsonFile(this.file, this.value);
    return this.get();
  }
}
