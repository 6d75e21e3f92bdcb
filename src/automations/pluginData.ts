/** ctx.store and ctx.settings: each plugin's key-value store in the session database and its plugins.<name> settings. */
import type { KeyValueStore, PluginDataService } from "../handlers/pluginStore.js";
import type { Db } from "../store/database.js";
import { SqliteKeyValueStore } from "./kvStore.js";

/** The service over one session database and the file's plugins section. */
export function pluginDataService(db: Db, settings: Readonly<Record<string, unknown>>): PluginDataService {
  const stores = new Map<string, KeyValueStore>();
  return {
    store(plugin) {
      let store = stores.get(plugin);
      if (store === undefined) {
        store = new SqliteKeyValueStore(db, plugin);
        stores.set(plugin, store);
      }
      return store;
    },
    settings: (plugin) => (Object.hasOwn(settings, plugin) ? settings[plugin] : undefined),
  };
}
