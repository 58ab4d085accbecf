// Keyboard shortcuts of the whole UI, and the shell's overlays they open. One keydown listener on the window
// (App.svelte's <svelte:window>); the list below is also what the help overlay (?) shows, so the two cannot drift.
// Like GitHub and Gmail: two-key "g" sequences to go to a page, "/" to search, "?" for help, Ctrl/Cmd-K for the
// command palette. Single keys are ignored while typing in a field or while a dialog is open.
import type { Route } from './router.svelte.js';
import { router } from './router.svelte.js';

export interface Shortcut {
  keys: string[];
  what: string;
  /** How the keys combine: pressed together (+), one after the other (then), or either (/). */
  join?: '+' | 'then' | '/';
}

type PageName = Exclude<Route['page'], 'topic' | 'messages' | 'group'>;

const GO: Record<string, { page: PageName; what: string }> = {
  o: { page: 'overview', what: 'Go to Overview' },
  b: { page: 'brokers', what: 'Go to Brokers' },
  t: { page: 'topics', what: 'Go to Topics' },
  g: { page: 'groups', what: 'Go to Consumer groups' },
  s: { page: 'settings', what: 'Go to Settings' },
};

export const SHORTCUTS: { section: string; items: Shortcut[] }[] = [
  {
    section: 'Anywhere',
    items: [
      { keys: ['Ctrl', 'K'], join: '+', what: 'Command palette: jump to a topic, group, broker or page, or run an action' },
      { keys: ['?'], what: 'This help' },
      { keys: ['/'], what: 'Focus the search field of the page' },
      { keys: ['Esc'], what: 'Close the dialog or palette' },
    ],
  },
  { section: 'Go to', items: Object.entries(GO).map(([k, v]) => ({ keys: ['g', k], join: 'then' as const, what: v.what })) },
  {
    section: 'Lists and dialogs',
    items: [
      { keys: ['↑', '↓'], join: '/', what: 'Move in the palette, menus and tabs' },
      { keys: ['Enter'], what: 'Open the selected item' },
      { keys: ['Tab'], what: 'Next control (every control is reachable by keyboard)' },
    ],
  },
];

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  if (el.tagName === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range'].includes(type);
  }
  return false;
}

/** The page's search field: pages mark it data-shortcut="search"; else the first search input on the page. */
export function focusSearch(): boolean {
  const el = document.querySelector<HTMLElement>('main [data-shortcut="search"]') ?? document.querySelector<HTMLElement>('main input[type="search"]');
  if (!el) return false;
  el.focus();
  if (el instanceof HTMLInputElement) el.select();
  return true;
}

class Shell {
  paletteOpen = $state(false);
  helpOpen = $state(false);
  connectOpen = $state(false);
  /** A pending "g" of a two-key sequence (shown as a hint in the corner). */
  pendingG = $state(false);
  #gTimer: ReturnType<typeof setTimeout> | undefined;

  get anyOverlay(): boolean {
    return this.paletteOpen || this.helpOpen || this.connectOpen;
  }

  openPalette(): void {
    this.helpOpen = false;
    this.paletteOpen = true;
  }

  onKeydown = (e: KeyboardEvent): void => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
      e.preventDefault();
      if (this.paletteOpen) this.paletteOpen = false;
      else this.openPalette();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    if (typing(e.target) || this.anyOverlay || document.querySelector('dialog[open]')) return;

    if (this.pendingG) {
      this.#clearG();
      const go = GO[e.key];
      if (go) {
        e.preventDefault();
        router.go({ page: go.page, conn: router.route.conn });
      }
      return;
    }
    switch (e.key) {
      case 'g':
        this.pendingG = true;
        this.#gTimer = setTimeout(() => this.#clearG(), 1500);
        e.preventDefault();
        break;
      case '?':
        e.preventDefault();
        this.helpOpen = true;
        break;
      case '/':
        if (focusSearch()) e.preventDefault();
        break;
    }
  };

  #clearG(): void {
    clearTimeout(this.#gTimer);
    this.pendingG = false;
  }
}

export const shell = new Shell();
