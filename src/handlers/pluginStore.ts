/**
 * What a plugin keeps and reads: ctx.store, its own key-value store in the session database (JSON
 * values, transactions), and ctx.settings, its section `plugins.<name>` of automations.yaml.
 */

/** A plugin's key-value store; values are anything JSON can hold. */
export interface KeyValueStore {
  /** The value of a key, or undefined. */
  get<T = unknown>(key: string): T | undefined;
  /** Sets a key (undefined is refused: use delete). */
  set(key: string, value: unknown): void;
  /** Deletes a key; true when it was there. */
  delete(key: string): boolean;
  /** Every key and value, in key order; with a prefix, only the keys that start with it. */
  list<T = unknown>(prefix?: string): [key: string, value: T][];
  /**
   * Runs fn in one transaction: all its changes are kept, or none when it throws. fn is synchronous.
   *
   * @example
   * ctx.store.transaction((store) => store.set("count", (store.get<number>("count") ?? 0) + 1));
   */
  transaction<T>(fn: (store: KeyValueStore) => T): T;
}

/** Gives each plugin its store and settings (offered by the automations feature). */
export interface PluginDataService {
  store(plugin: string): KeyValueStore;
  settings(plugin: string): unknown;
}
