/**
 * What an audit shows while it runs, on stderr: a progress bar on a terminal (members found, requests,
 * a FLOOD_WAIT countdown), and a few plain lines otherwise (cron, CI, pipes).
 */
import cliProgress from "cli-progress";
import { formatWait } from "../telegram/errors.js";
import type { FloodWaitEffect } from "./concurrency.js";
import type { RunProgress } from "./fetcher.js";
import { type AuditTarget, chatName } from "./types.js";

/** Receives an audit's progress. */
export interface AuditProgress {
  /** The chat was resolved; enumeration starts. */
  start(target: AuditTarget): void;
  /** A page arrived. */
  update(progress: RunProgress): void;
  /** Telegram asked to wait; requests are paused until effect.resumeAt. */
  floodWait(effect: FloodWaitEffect): void;
  /** The chat is done (or failed): stop drawing. */
  end(outcome: { found: number; memberCount: number; requests: number } | undefined): void;
}

/** Shows nothing (the `.audit` command, tests). */
export const silentProgress: AuditProgress = { start() {}, update() {}, floodWait() {}, end() {} };

const number = (n: number) => n.toLocaleString("en-US");

/** A bar on a terminal, redrawn in place, with a live countdown during flood waits. */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr, now: () => number = () => performance.now()): AuditProgress {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: "{chat} [{bar}] {value}/{total} members | {requests} requests | {status}",
      hideCursor: true,
      barsize: 30,
      formatValue: (value, _options, type) => (type === "value" || type === "total" ? number(value) : String(value)),
    },
    cliProgress.Presets.shades_classic,
  );
  let countdown: NodeJS.Timeout | undefined;
  let chat = "";
  const stopCountdown = () => {
    if (countdown) clearInterval(countdown);
    countdown = undefined;
  };
  return {
    start(target) {
      chat = chatName(target);
      bar.start(target.memberCount, 0, { chat, requests: 0, status: "listing" });
    },
    update(p) {
      if (p.memberCount !== bar.getTotal()) bar.setTotal(p.memberCount);
      const status = p.recentTruncated ? `searching (${p.queries.search} queries)` : `${p.concurrency} in flight`;
      bar.update(p.membersFound, { requests: p.requests, ...(countdown ? {} : { status }) });
    },
    floodWait(effect) {
      stopCountdown();
      const tick = () => {
        const left = Math.ceil((effect.resumeAt - now()) / 1000);
        if (left <= 0) {
          stopCountdown();
          bar.update({ status: `resumed, ${effect.to} in flight` });
          return;
        }
        bar.update({ status: `FLOOD_WAIT: resuming in ${formatWait(left)} (${effect.from} → ${effect.to} in flight)` });
      };
      tick();
      countdown = setInterval(tick, 1000);
      countdown.unref();
    },
    end() {
      stopCountdown();
      bar.stop();
    },
  };
}

/** Plain lines for logs: the start, every tenth of the way (or every 10 s), flood waits with the time left, the end. */
export function lineProgress(
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  now: () => number = () => performance.now(),
): AuditProgress {
  let chat = "";
  let started = 0;
  let lastLine = 0;
  let lastTenth = 0;
  let countdown: NodeJS.Timeout | undefined;
  const stopCountdown = () => {
    if (countdown) clearInterval(countdown);
    countdown = undefined;
  };
  return {
    start(target) {
      chat = chatName(target);
      started = lastLine = now();
      lastTenth = 0;
      write(`audit ${chat}: listing ${number(target.memberCount)} members (${target.kind} ${target.id})`);
    },
    update(p) {
      const tenth = p.memberCount > 0 ? Math.floor((p.membersFound / p.memberCount) * 10) : 0;
      if (tenth <= lastTenth && now() - lastLine < 10_000) return;
      lastTenth = Math.max(lastTenth, tenth);
      lastLine = now();
      const percent = p.memberCount > 0 ? Math.floor((p.membersFound / p.memberCount) * 100) : 100;
      write(`audit ${chat}: ${number(p.membersFound)}/${number(p.memberCount)} members (${percent}%), ${number(p.requests)} requests`);
    },
    floodWait(effect) {
      stopCountdown();
      write(`audit ${chat}: FLOOD_WAIT ${formatWait(effect.seconds)}: pausing requests, ${effect.from} → ${effect.to} in flight`);
      if (effect.seconds < 20) return;
      countdown = setInterval(() => {
        const left = Math.ceil((effect.resumeAt - now()) / 1000);
        if (left <= 0) stopCountdown();
        else write(`audit ${chat}: FLOOD_WAIT: resuming in ${formatWait(left)}`);
      }, 10_000);
      countdown.unref();
    },
    end(outcome) {
      stopCountdown();
      if (!outcome) return;
      const seconds = ((now() - started) / 1000).toFixed(1);
      write(
        `audit ${chat}: listed ${number(outcome.found)} of ${number(outcome.memberCount)} members with ${number(outcome.requests)} requests in ${seconds} s`,
      );
    },
  };
}
