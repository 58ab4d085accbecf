// Copying keys, values and records. The async Clipboard API needs a secure context (Electron's file:// page and
// http://127.0.0.1 both are); the textarea fallback covers a browser that refuses it.
import type { MessageRecord } from '../../../../main/contract/ui-api.js';
import { base64ToBytes, utf8OrNull } from './decode.js';
import { recordToJson } from './export.js';

export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    /* fall back below */
  }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  document.body.append(ta);
  ta.select();
  document.execCommand('copy');
  ta.remove();
}

/** A key or value as the user would paste it: its UTF-8 text, or base64 for binary. */
export function bytesForCopy(b: MessageRecord['value']): string {
  if (b === null) return '';
  return utf8OrNull(base64ToBytes(b.base64)) ?? b.base64;
}

export function recordForCopy(m: MessageRecord): string {
  return JSON.stringify(recordToJson(m), null, 2);
}
