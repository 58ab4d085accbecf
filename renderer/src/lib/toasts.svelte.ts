// Short notices for actions done elsewhere than their page (the command palette killing a broker) and for failures
// of actions that leave no error box behind. Toasts.svelte renders them.
import { splitUiError } from '../../../main/contract/ui-api.js';

export interface Toast {
  id: number;
  tone: 'info' | 'ok' | 'error';
  text: string;
  detail?: string;
}

class Toasts {
  items = $state.raw<Toast[]>([]);
  #next = 1;

  show(tone: Toast['tone'], text: string, detail?: string, ms = tone === 'error' ? 8000 : 4000): void {
    const id = this.#next++;
    this.items = [...this.items.slice(-4), { id, tone, text, ...(detail ? { detail } : {}) }];
    setTimeout(() => this.dismiss(id), ms);
  }

  error(what: string, e: unknown): void {
    const p = splitUiError(e);
    this.show('error', `${what}: ${p.name}`, p.hint ? `${p.message} — ${p.hint}` : p.message);
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }

  /** Runs an action, toasting its success or failure; resolves to whether it worked. */
  async run(what: string, action: () => Promise<unknown>, done?: string): Promise<boolean> {
    try {
      await action();
      if (done) this.show('ok', done);
      return true;
    } catch (e) {
      this.error(what, e);
      return false;
    }
  }
}

export const toasts = new Toasts();
