// Requests that one part of the UI makes of a page it opens: the command palette's "Create topic…" opens the
// Topics page and asks it to open its create dialog. The page takes the intent when it is for it:
//
//   $effect(() => { if (intents.take('create-topic')) creating = true; });
//
// An intent not taken within a few seconds is dropped, so a later visit does not act on a stale one.
export type Intent =
  | { kind: 'create-topic' }
  | { kind: 'produce'; topic: string }
  | { kind: 'focus-search' };

class Intents {
  pending = $state.raw<(Intent & { at: number }) | null>(null);

  request(intent: Intent): void {
    this.pending = { ...intent, at: Date.now() };
  }

  /** The pending intent of that kind (consumed), or null. */
  take<K extends Intent['kind']>(kind: K): Extract<Intent, { kind: K }> | null {
    const p = this.pending;
    if (!p || p.kind !== kind) return null;
    this.pending = null;
    if (Date.now() - p.at > 5000) return null;
    return p as unknown as Extract<Intent, { kind: K }>;
  }
}

export const intents = new Intents();
