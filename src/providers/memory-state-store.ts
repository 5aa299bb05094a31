/**
 * An in-memory ProviderStateStore: the simulator's state when the controller gives it none
 * (one-shot commands), and the store tests share between two provider instances to simulate a
 * restart. Values are copied through JSON on the way in and out, like a real store, so no
 * caller can change a stored record by holding on to an object.
 */
import type { ProviderStateStore } from './provider.js';

/** A ProviderStateStore held in a Map; `putMany` is atomic because it cannot fail halfway. */
export function memoryStateStore(): ProviderStateStore {
  const data = new Map<string, string>();
  return {
    async get(key) {
      const text = data.get(key);
      return text === undefined ? undefined : JSON.parse(text);
    },
    async list(prefix) {
      const out: { key: string; value: unknown }[] = [];
      for (const [key, text] of data) if (key.startsWith(prefix)) out.push({ key, value: JSON.parse(text) });
      return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async putMany(entries) {
      // Serialize everything first so a value that cannot be stored leaves the map untouched.
      const texts = entries.map((e) => [e.key, JSON.stringify(e.value)] as const);
      for (const [key, text] of texts) data.set(key, text);
    },
  };
}
