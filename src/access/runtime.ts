/**
 * Access control as a runtime extension: `startRuntime({ ..., extend: accessExtension(db, config.access), closeables: [{ close: () => void db.close() }] })`
 * makes the access layer the router's policy and feeds it every update the client receives.
 */
import type { RuntimeServices } from "../runtime/extension.js";
import type { Db } from "../store/database.js";
import type { AccessConfig } from "./config.js";
import { type AccessLayer, createAccessLayer } from "./layer.js";
import { sqliteAccessStores } from "./schema.js";

/** The `extend` function of startRuntime that builds the access layer over the SQLite stores of the session database. */
export function accessExtension(db: Db, config: AccessConfig): (services: RuntimeServices) => AccessLayer {
  return ({ client, me, log, telegram }) =>
    createAccessLayer({ stores: sqliteAccessStores(db, config), client, mode: me.mode, config, log: log.child({ module: "access" }), telegram });
}
