/**
 * Access control as a runtime extension: `startRuntime({ ..., extend: accessExtension(db), closeables: [{ close: () => void db.close() }] })`
 * makes the access layer the router's policy and feeds it every update the client receives.
 */
import type { RuntimeServices } from "../runtime/index.js";
import type { Db } from "../store/database.js";
import { type AccessLayer, createAccessLayer } from "./layer.js";

/** The `extend` function of startRuntime that builds the access layer over the session database. */
export function accessExtension(db: Db): (services: RuntimeServices) => AccessLayer {
  return ({ client, config, me, log, telegram }) =>
    createAccessLayer({ db, client, mode: me.mode, config: config.access, log: log.child({ module: "access" }), telegram });
}
