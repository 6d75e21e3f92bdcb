/**
 * The jobs the scheduler runs for one account: each `schedule:` entry of automations.yaml (text to a
 * chat through the rate-limited gateway, or a plugin's job at the file's times) and each plugin's own
 * schedule() jobs.
 */

import type { Plugin } from "../handlers/plugin.js";
import type { PluginDataService } from "../handlers/pluginStore.js";
import type { JobContext, ScheduledJob, ScheduleSpec } from "../handlers/schedule.js";
import type { RuntimeServices } from "../runtime/extension.js";
import { chatIdOf } from "./chats.js";
import { parseDuration } from "./duration.js";
import type { Job } from "./scheduler.js";
import type { ScheduleEntry } from "./schema.js";
import { checkWhen, type When } from "./timing.js";

/** A plugin's spec as a timing; a bad one throws naming the job. */
export function whenOfSpec(spec: ScheduleSpec, job: string): When {
  let when: When | undefined;
  if (typeof spec === "string") when = { kind: "cron", pattern: spec };
  else if ("cron" in spec) when = { kind: "cron", pattern: spec.cron, timeZone: spec.timeZone };
  else if ("every" in spec) {
    const ms = parseDuration(spec.every);
    if (ms !== undefined) when = { kind: "every", ms };
  } else when = { kind: "at", time: spec.at, timeZone: spec.timeZone };
  try {
    if (when === undefined) throw new Error(`${JSON.stringify((spec as { every: string }).every)} is not a duration (write e.g. 30s, 5m, 1h30m)`);
    checkWhen(when);
    return when;
  } catch (error) {
    throw new Error(`job ${job}: ${(error as Error).message}`);
  }
}

/** A schedule entry's timing. */
export function whenOfEntry(entry: ScheduleEntry): When {
  if (entry.cron !== undefined) return { kind: "cron", pattern: entry.cron, timeZone: entry.timeZone };
  if (entry.every !== undefined) return { kind: "every", ms: entry.every };
  return { kind: "at", time: entry.at ?? "", timeZone: entry.timeZone };
}

/** The jobs of the plugins and of the file's schedule section; problems are logged and the rest runs. */
export function collectJobs(entries: readonly ScheduleEntry[], plugins: readonly Plugin[], services: RuntimeServices, data: PluginDataService): Job[] {
  const log = services.log.child({ feature: "automations" });
  const declared = new Map<string, ScheduledJob>();
  const jobs: Job[] = [];
  const runner = (id: string, job: ScheduledJob) => async (scheduledAt: number) => {
    const plugin = id.slice(0, id.indexOf("/"));
    const ctx: JobContext = {
      job: id,
      scheduledAt: new Date(scheduledAt),
      me: services.me,
      telegram: services.telegram,
      log: log.child({ job: id }),
      store: data.store(plugin),
      settings: data.settings(plugin),
    };
    await job.run(ctx);
  };
  for (const plugin of plugins) {
    for (const job of plugin.jobs ?? []) {
      const id = `${plugin.name}/${job.name}`;
      declared.set(id, job);
      try {
        jobs.push({ id, when: whenOfSpec(job.spec, id), missed: job.missed, run: runner(id, job) });
      } catch (error) {
        log.error({ job: id }, (error as Error).message);
      }
    }
  }
  entries.forEach((entry, index) => {
    const id = `schedule/${entry.name ?? `#${index + 1}`}`;
    const when = whenOfEntry(entry);
    if (entry.job !== undefined) {
      const job = declared.get(entry.job);
      if (job === undefined) log.error({ job: id }, `schedule entry ${id}: no plugin declares the job ${entry.job}; it does not run`);
      else jobs.push({ id, when, missed: entry.missed, run: runner(entry.job, job) });
      return;
    }
    if (entry.text === undefined) {
      log.warn({ job: id }, `schedule entry ${id}: sending a file comes in a later release; it does not run`);
      return;
    }
    const { text, to } = entry;
    let chatId: string | undefined;
    jobs.push({
      id,
      when,
      missed: entry.missed,
      run: async () => {
        chatId ??= await chatIdOf(services.client, services.me, to ?? "me");
        await services.telegram.sendMessage(chatId, text);
      },
    });
  });
  return jobs;
}
