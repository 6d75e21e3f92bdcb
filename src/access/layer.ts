/**
 * The access layer the runtime plugs in: the router's access policy (decided once, before the
 * handler), the membership service kept fresh by pushed participant updates, the rules, the access
 * log, and the refusals people get. One call builds it over its stores and the client.
 */
import type { TelegramClient } from "telegram";
import type { TelegramGateway } from "../handlers/gateway.js";
import type { Message, RunMode } from "../handlers/message.js";
import type { AccessDecision, AccessPolicy, AccessRequest } from "../handlers/router.js";
import type { Logger } from "../log.js";
import type { AccessLog } from "./accessLog.js";
import type { AccessConfig } from "./config.js";
import { MembershipService } from "./membership.js";
import type { MembershipCache } from "./membershipCache.js";
import { commandOf, evaluate, finishGate, type GateCheck, isGateCheck, type PolicySettings, type Verdict } from "./policy.js";
import type { AccessRules, Gate } from "./rules.js";
import { groupOfGate, telegramResolver } from "./targets.js";
import { type GroupRef, type MembershipSource, MembershipUnknownError, telegramSource } from "./telegramSource.js";
import { Throttle } from "./throttle.js";

/** Where the access layer keeps the rules, the membership answers and its decisions. */
export interface AccessStores {
  readonly rules: AccessRules;
  readonly membership: MembershipCache;
  readonly log: AccessLog;
}

/** What createAccessLayer needs. */
export interface AccessLayerOptions {
  /** Its stores (sqliteAccessStores over the session database). */
  readonly stores: AccessStores;
  /** The signed-in client membership is asked through. */
  readonly client: TelegramClient;
  /** The mode the account runs in (decides the default when ACCESS_DEFAULT is empty). */
  readonly mode: RunMode;
  readonly config: AccessConfig;
  readonly log: Logger;
  /** Where refusals are sent (the runtime's rate-limited gateway). */
  readonly telegram: Pick<TelegramGateway, "sendMessage">;
  /** Membership answers (default: Telegram through the client). */
  readonly source?: MembershipSource;
  /** Clock in Unix milliseconds of the decisions and the refusal throttles (tests); the stores take theirs when built. */
  readonly now?: () => number;
}

/** The running access layer. */
export interface AccessLayer {
  /** The router's access policy. */
  readonly policy: AccessPolicy;
  /** Feed every update the client receives (raw): participant changes update the membership cache at once. */
  onUpdate(update: unknown): void;
  readonly membership: MembershipService;
  readonly rules: AccessRules;
  readonly accessLog: AccessLog;
  /** The membership source, for checking a new gate from inside its group. */
  readonly source: MembershipSource;
  /** Writes the access log, stops timers (the database stays open: its owner closes it). */
  close(): void;
}

/** How often expired membership rows are swept. */
const PRUNE_EVERY_MS = 10 * 60_000;
/** "Could not verify" answers go to one person at most this often (the once a minute). */
const UNVERIFIED_INTERVAL_MS = 60_000;

const ALLOW: AccessDecision = { allow: true };
const layers = new WeakMap<TelegramClient, AccessLayer>();

/** The access layer running over a client, for the owner's commands; undefined when access control is off. */
export function accessLayerFor(client: TelegramClient): AccessLayer | undefined {
  return layers.get(client);
}

/** Builds the access layer over its stores: returns the policy, the update hook and the stores. */
export function createAccessLayer(options: AccessLayerOptions): AccessLayer {
  const { client, config, log, telegram } = options;
  const { rules, membership: cache, log: accessLog } = options.stores;
  const now = options.now ?? Date.now;
  const source = options.source ?? telegramSource(client);
  const membership = new MembershipService({ cache, source, timeoutMs: config.checkTimeoutMs, resolver: telegramResolver(client) });
  const settings: PolicySettings = {
    owners: new Set(config.owners),
    defaultAccess: config.defaultAccess ?? (options.mode === "bot" ? "open" : "closed"),
  };
  const refusals = new Throttle(config.refusalIntervalSeconds * 1000, now);
  const unverified = new Throttle(UNVERIFIED_INTERVAL_MS, now);
  const groups = new Map<string, GroupRef>();

  const answer = (message: Message, text: string) => {
    telegram.sendMessage(message.chatId, text, { replyTo: message.messageId }).catch((err: unknown) => {
      log.warn({ chat: message.chatId, err }, "could not send the access refusal");
    });
  };

  const conclude = (request: AccessRequest, verdict: Verdict): AccessDecision => {
    const { message, handler } = request;
    const command = commandOf(handler) ?? `${request.plugin}/${handler.name}`;
    if (verdict.logged) {
      accessLog.record({
        at: now(),
        userId: message.senderId,
        chatId: message.chatId,
        command,
        outcome: verdict.allow ? "allow" : "deny",
        reason: verdict.reason,
      });
    }
    if (verdict.allow) return ALLOW;
    const who = message.senderId ?? message.chatId;
    if (verdict.refusal === "unverified") {
      log.warn({ chat: message.chatId, user: message.senderId, command, reason: verdict.reason }, "access denied: membership could not be verified");
      if (unverified.take(who)) answer(message, config.unverifiedText);
    } else if (verdict.refusal === "refuse" && config.refusalText !== "") {
      // Only the first refusal is answered: say so in the log, so that the silence after it does not look like a dead bot.
      const where = { chat: message.chatId, user: message.senderId, command, reason: verdict.reason };
      if (refusals.take(who)) {
        log.info(
          { ...where, quietSeconds: config.refusalIntervalSeconds },
          "access denied: refusal sent; this person's next refused commands get no answer for ACCESS_REFUSAL_INTERVAL seconds",
        );
        answer(message, config.refusalText);
      } else log.info(where, "access denied: no answer (refused already within ACCESS_REFUSAL_INTERVAL)");
    }
    return { allow: false, reason: verdict.reason };
  };

  const checkGate = (request: AccessRequest, check: GateCheck): AccessDecision | Promise<AccessDecision> => {
    const cached = membership.cached(check.gate.chatId, check.userId);
    if (cached !== undefined) return conclude(request, finishGate(check, cached));
    const seenIn = { chatId: request.message.chatId, messageId: request.message.messageId };
    return membership.check(groupOf(groups, check.gate), check.userId, seenIn).then(
      (status) => conclude(request, finishGate(check, status)),
      (error: unknown) => conclude(request, finishGate(check, { unknown: reasonOf(error) })),
    );
  };

  const policy: AccessPolicy = (request) => {
    const outcome = evaluate(request, rules.snapshot(), settings);
    return isGateCheck(outcome) ? checkGate(request, outcome) : conclude(request, outcome);
  };

  const pruner = setInterval(() => {
    try {
      cache.prune();
    } catch (err) {
      log.warn({ err }, "pruning the membership cache failed");
    }
  }, PRUNE_EVERY_MS);
  pruner.unref();

  const layer: AccessLayer = {
    policy,
    onUpdate(update) {
      try {
        membership.apply(update);
      } catch (err) {
        log.warn({ err }, "a participant update could not be applied to the membership cache");
      }
    },
    membership,
    rules,
    accessLog,
    source,
    close() {
      clearInterval(pruner);
      accessLog.close();
      layers.delete(client);
    },
  };
  layers.set(client, layer);
  return layer;
}

/** The group of a gate, cached per gate, chat and access hash. */
function groupOf(groups: Map<string, GroupRef>, gate: Gate): GroupRef {
  const key = `${gate.name}:${gate.chatId}:${gate.accessHash ?? ""}`;
  let group = groups.get(key);
  if (group === undefined) {
    group = groupOfGate(gate);
    groups.set(key, group);
  }
  return group;
}

function reasonOf(error: unknown): string {
  if (error instanceof MembershipUnknownError) return error.reason;
  return error instanceof Error ? error.message : String(error);
}
