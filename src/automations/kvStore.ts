/** Plugins' key-value stores in the session database: table plugin_kv, one row per plugin and key, values as JSON. */
import type { KeyValueStore } from "../handlers/pluginStore.js";
import { type Db, migrate } from "../store/database.js";

/** Creates the plugin_kv table. */
export function migratePluginKv(db: Db): void {
  migrate(db, "plugin_kv", [
    {
      version: 1,
      up: `CREATE TABLE plugin_kv (
        plugin TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (plugin, key)
      ) WITHOUT ROWID`,
    },
  ]);
}

/** One plugin's keys in plugin_kv. */
export class SqliteKeyValueStore implements KeyValueStore {
  private readonly statements;

  /** Migrates the table and prepares the statements for `plugin`. */
  constructor(
    private readonly db: Db,
    private readonly plugin: string,
  ) {
    migratePluginKv(db);
    this.statements = {
      get: db.prepare("SELECT value FROM plugin_kv WHERE plugin = ? AND key = ?"),
      set: db.prepare("INSERT INTO plugin_kv (plugin, key, value) VALUES (?, ?, ?) ON CONFLICT (plugin, key) DO UPDATE SET value = excluded.value"),
      delete: db.prepare("DELETE FROM plugin_kv WHERE plugin = ? AND key = ?"),
      list: db.prepare("SELECT key, value FROM plugin_kv WHERE plugin = ? AND substr(key, 1, length(?)) = ? ORDER BY key"),
    };
  }

  get<T = unknown>(key: string): T | undefined {
    const row = this.statements.get.get(this.plugin, key) as { value: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.value) as T);
  }

  set(key: string, value: unknown): void {
    const json = JSON.stringify(value);
    if (json === undefined) throw new TypeError(`ctx.store.set(${JSON.stringify(key)}): the value cannot be stored as JSON (use delete to remove a key)`);
    this.statements.set.run(this.plugin, key, json);
  }

  delete(key: string): boolean {
    return this.statements.delete.run(this.plugin, key).changes > 0;
  }

  list<T = unknown>(prefix = ""): [key: string, value: T][] {
    const rows = this.statements.list.all(this.plugin, prefix, prefix) as { key: string; value: string }[];
    return rows.map((row) => [row.key, JSON.parse(row.value) as T]);
  }

  transaction<T>(fn: (store: KeyValueStore) => T): T {
    return this.db.transaction(() => fn(this))();
  }
}
