/**
 * Bot privacy mode: which group and supergroup messages a bot receives, pushed or in a difference.
 *
 * core.telegram.org/bots/features#privacy-mode: "Privacy mode is enabled by default for all bots, except
 * bots that were added to a group as admins (bot admins always receive all messages). It can be disabled
 * so that the bot receives all messages like an ordinary user (the bot will need to be re-added to the
 * group for this change to take effect)." A bot in privacy mode receives:
 * - commands explicitly meant for it (/command@this_bot);
 * - general commands (/start) if the bot was the last bot to send a message to the group;
 * - messages sent via the bot (inline mode: not modelled);
 * - replies to any messages implicitly or explicitly meant for the bot (here: replies to its messages).
 * All bots, regardless of privacy mode, receive all service messages and all messages of channels where
 * they are a member. core.telegram.org/bots/faq#what-messages-will-my-bot-get: bot admins and bots with
 * privacy mode disabled "receive all messages except messages sent by other bots" (bot-to-bot
 * communication, core.telegram.org/api/bots/bot-to-bot, needs a BotFather setting: not modelled).
 *
 * A plain @mention is not on the page's list, and is observed not to be delivered (archestra-ai/archestra
 * #6562, phantomyard/phantombot #142: "@lena_oc_bot … never reached the bot; /c@lena_oc_bot … did").
 * The pages do not say who gets a general command before any bot has spoken in a group: here every bot
 * in privacy mode does (a group with one bot is observed to get its plain /commands).
 */
import { isAdminRole } from "./chats.js";
import type { ChatRecord, MessageContent, MessageRecord, Participant, UserRecord } from "./records.js";
import type { World } from "./world.js";

/** A bot's current privacy-mode setting (on by default). */
export function privacyEnabled(bot: UserRecord): boolean {
  return bot.privacy?.enabled ?? true;
}

/** Turn a bot's privacy mode on or off; groups it is already in keep the old setting until it is re-added. */
export function setBotPrivacy(world: World, bot: UserRecord, enabled: boolean): void {
  if (!bot.bot) throw new Error(`setBotPrivacy: user ${bot.id} is not a bot`);
  bot.privacy = { enabled, since: world.now(), before: privacyEnabled(bot) };
}

/** The privacy mode that applies to a bot's membership (the setting when it joined). */
function privacyFor(bot: UserRecord, p: Participant | undefined): boolean {
  const setting = bot.privacy;
  if (!setting) return true;
  return p !== undefined && p.date < setting.since ? setting.before : setting.enabled;
}

/** The message as the privacy rules look at it. */
export interface PrivacyProbe {
  fromId: number;
  text: string;
  action?: unknown;
  /** The message replies to one the bot sent. */
  repliesToBot: boolean;
}

/** /command or /command@bot at the start of a text: the bot's username if one is named, "" if none; undefined when not a command. */
function commandTarget(text: string): string | undefined {
  const match = /^\/[A-Za-z0-9_]{1,32}(?:@([A-Za-z0-9_]{1,64}))?(?![A-Za-z0-9_@])/.exec(text);
  if (!match) return undefined;
  return match[1] ?? "";
}

/** Whether `bot`, a member of the group or channel `chat`, receives the message (see the header). */
export function botReceives(world: World, bot: UserRecord, chat: ChatRecord, message: PrivacyProbe): boolean {
  if (message.fromId === bot.id || message.action !== undefined) return true;
  if (chat.kind === "channel") return true;
  if (world.users.get(message.fromId)?.bot) return false;
  const p = chat.participants.get(bot.id);
  if (isAdminRole(p?.role) || !privacyFor(bot, p)) return true;
  if (message.repliesToBot) return true;
  const target = commandTarget(message.text);
  if (target === undefined) return false;
  if (target !== "") return target.toLowerCase() === bot.username?.toLowerCase();
  return chat.lastBotSenderId === undefined || chat.lastBotSenderId === bot.id;
}

/** Remember the last bot that sent a message (not a service message) to a group or supergroup. */
export function noteBotMessage(world: World, chat: ChatRecord, fromId: number, content: MessageContent): void {
  if (content.action || chat.kind === "channel") return;
  if (world.users.get(fromId)?.bot) chat.lastBotSenderId = fromId;
}

/** Whether viewerId sees a megagroup or channel message (always, unless it is a bot the rules above keep it from). */
export function botSeesChannelMessage(world: World, viewerId: number, chat: ChatRecord, record: MessageRecord): boolean {
  const viewer = world.users.get(viewerId);
  if (!viewer?.bot) return true;
  const repliesToBot = record.replyToId !== undefined && chat.box?.messages.get(record.replyToId)?.fromId === viewerId;
  return botReceives(world, viewer, chat, { fromId: record.fromId, text: record.text, action: record.action, repliesToBot });
}
