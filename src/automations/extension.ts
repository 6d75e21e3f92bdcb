/**
 * The automations feature as a runtime extension: once signed in it schedules the plugins' jobs and the
 * `schedule:` entries of automations.yaml over the session database, and stops them when the runtime stops;
 * it offers handlers ctx.store and ctx.settings.
 */
import type { ExtendFunction } from "../runtime/extension.js";
import type { Db } from "../store/database.js";
import { awayReplier } from "./awayReply.js";
import { SqliteJobStore } from "./jobStore.js";
import { collectJobs } from "./jobs.js";
import { pluginDataService } from "./pluginData.js";
import { type Clock, Scheduler, systemClock } from "./scheduler.js";
import type { Automations } from "./schema.js";

/** The extension of automations.yaml (none: only the plugins' jobs). */
export function automationsExtension(db: Db, automations: Automations | undefined, clock: Clock = systemClock): ExtendFunction {
  return (services) => {
    const pluginData = pluginDataService(db, automations?.plugins ?? {});
    const scheduler = new Scheduler(new SqliteJobStore(db), services.log.child({ feature: "scheduler" }), clock);
    for (const job of collectJobs(automations?.schedule ?? [], services.plugins, services, pluginData)) scheduler.add(job);
    const away = automations?.autoReply !== undefined && services.me.mode === "user" ? awayReplier(automations.autoReply, services, pluginData) : undefined;
    return { pluginData, interceptMessage: away, stopping: () => void scheduler.stop(), close: () => scheduler.stop() };
  };
}
