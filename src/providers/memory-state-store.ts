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
    async list(prefix, range = {}) {
      const keys = [...data.keys()]
        .filter((key) => key.startsWith(prefix) && (range.after === undefined || key > range.after) && (range.below === undefined || key < range.below))
        .sort(byCodePoint);
      return keys.slice(0, range.limit ?? keys.length).map((key) => ({ key, value: JSON.parse(data.get(key)!) }));
    },
    async putMany(entries) {
      // Serialize everything first so a value that cannot be stored leaves the map untouched.
      const texts = entries.map((e) => [e.key, JSON.stringify(e.value)] as const);
      for (const [key, text] of texts) data.set(key, text);
    },
    async deleteMany(selection) {
      let removed = 0;
      for (const key of selection.keys ?? []) if (data.delete(key)) removed++;
      for (const prefix of selection.prefixes ?? []) {
        for (const key of [...data.keys()]) if (key.startsWith(prefix) && data.delete(key)) removed++;
      }
      return removed;
    },
  };
}

/**
 * Key order of the SQL stores (by code point). `<` on JS strings compares UTF-16 units, which
 * differs above U+FFFF; the keys providers write are ASCII (URI-encoded), so both agree on them.
 */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
