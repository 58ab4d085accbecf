// The colour theme: light, dark or the system's. The choice is persisted through the contract's settings (so it
// follows the user across browser and Electron windows) and cached in localStorage so a reload paints the right
// colours before the backend answers. Applied as data-theme on <html>; app.css holds the tokens for both.
import type { Theme } from '../../../main/contract/ui-api.js';
import { call } from './api/index.js';

const CACHE_KEY = 'eddy.theme';
const THEMES: readonly Theme[] = ['light', 'dark', 'system'];

function isTheme(v: unknown): v is Theme {
  return typeof v === 'string' && (THEMES as readonly string[]).includes(v);
}

function cached(): Theme {
  try {
    const v = localStorage.getItem(CACHE_KEY);
    return isTheme(v) ? v : 'system';
  } catch {
    return 'system';
  }
}

class ThemeState {
  /** What the user chose. */
  choice = $state<Theme>('system');
  /** The system's preference, followed live when the choice is 'system'. */
  systemDark = $state(false);
  /** The theme in force. */
  resolved = $derived<'light' | 'dark'>(this.choice === 'system' ? (this.systemDark ? 'dark' : 'light') : this.choice);
  /** Set when saving the choice failed (shown in Settings). */
  error = $state.raw<unknown>(null);

  constructor() {
    if (typeof window === 'undefined') return;
    this.choice = cached();
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
    if (mq) {
      this.systemDark = mq.matches;
      mq.addEventListener('change', (e) => {
        this.systemDark = e.matches;
        this.#apply();
      });
    }
    this.#apply();
  }

  #apply(): void {
    document.documentElement.dataset.theme = this.resolved;
    document.documentElement.dataset.themeChoice = this.choice;
  }

  #use(theme: Theme): void {
    this.choice = theme;
    try {
      localStorage.setItem(CACHE_KEY, theme);
    } catch {
      // Storage can be disabled; the backend's settings still hold the choice.
    }
    this.#apply();
  }

  /** Takes the persisted choice from the backend (at start-up). */
  async load(): Promise<void> {
    try {
      const s = await call('settings');
      if (isTheme(s.theme)) this.#use(s.theme);
    } catch {
      // Keep the cached choice: the backend may not be up yet, and a theme is not worth an error box.
    }
  }

  /** Switches now and persists the choice. */
  async set(theme: Theme): Promise<void> {
    this.#use(theme);
    try {
      await call('updateSettings', { theme });
      this.error = null;
    } catch (e) {
      this.error = e;
    }
  }

  /** light → dark → system → light (the palette's and the sidebar button's toggle). */
  cycle(): Promise<void> {
    return this.set(THEMES[(THEMES.indexOf(this.choice) + 1) % THEMES.length]!);
  }
}

export const theme = new ThemeState();
