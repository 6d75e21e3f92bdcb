/**
 * The "VIP club" the access tests gate on: people named by first name (each with the username
 * NAME_person), a supergroup @vipclub created by one of them with the others in the statuses a test
 * needs (member, admin, restricted, kicked, left), and optionally a bot account with its own status
 * there. Seeded through the control API, as any tool drives the emulator.
 */
import type { ControlClient, Role } from "@tg-toolkit/emulator/control";

/** The club's public username. */
export const CLUB_USERNAME = "vipclub";

/** What the club holds. */
export interface ClubOptions {
  /** People to create, in this order, as createUser({ firstName: name, username: `${name}_person` }). */
  readonly people: readonly string[];
  /** Who created the club (one of the people; default "gus"). */
  readonly creator?: string;
  /** Statuses in the club, by person, in joining order; people not named here are not in it. */
  readonly members: Readonly<Record<string, Exclude<Role, "creator">>>;
  /** A bot account, created after the people, and its status in the club (it joins first). */
  readonly bot?: { readonly firstName: string; readonly username: string; readonly role: Exclude<Role, "creator"> };
}

/** Ids of what seedClub created. */
export interface Club {
  /** User ids by person name, and the bot's under "bot". */
  readonly ids: Record<string, string>;
  /** The supergroup's id (for the control API). */
  readonly id: string;
  /** Its marked id, as the product names chats (-100…). */
  readonly chatId: string;
  /** The bot's token, when there is a bot. */
  readonly botToken?: string;
}

/**
 * Creates the people, the bot and @vipclub.
 *
 * @example
 * const club = await seedClub(world.control, { people: ["gus", "alice", "carol"], members: { alice: "member", carol: "kicked" } });
 * await world.control.setMember(club.id, club.ids.alice, "left");
 */
export async function seedClub(control: ControlClient, options: ClubOptions): Promise<Club> {
  const ids: Record<string, string> = {};
  for (const name of options.people) ids[name] = (await control.createUser({ firstName: name, username: `${name}_person` })).id;
  let botToken: string | undefined;
  const members: { userId: string; role: Role }[] = [];
  if (options.bot !== undefined) {
    const bot = await control.createUser({ firstName: options.bot.firstName, username: options.bot.username, bot: true });
    ids.bot = bot.id;
    botToken = bot.botToken;
    members.push({ userId: bot.id, role: options.bot.role });
  }
  for (const [name, role] of Object.entries(options.members)) {
    if (ids[name] === undefined) throw new Error(`seedClub: ${name} is a member but not among the people`);
    members.push({ userId: ids[name], role });
  }
  const creator = options.creator ?? "gus";
  if (ids[creator] === undefined) throw new Error(`seedClub: the creator ${creator} is not among the people`);
  const { id } = await control.createChat({ type: "supergroup", title: "VIP club", username: CLUB_USERNAME, creatorId: ids[creator], members });
  return { ids, id, chatId: `-100${id}`, botToken };
}
