/**
 * Child process of the emulator-seed benchmark: builds a 200,000-member channel in a fresh
 * process and prints {ms, rssMb, peakRssMb} as JSON, so memory is measured without the parent.
 */
import { createChat, createUser, seedMembers, World } from "@tg-toolkit/emulator/model";

const members = Number(process.argv[2] ?? 200_000);
const world = new World();
const start = performance.now();
const owner = createUser(world, { firstName: "Owner" });
const chat = createChat(world, { type: "channel", title: "Big channel", creatorId: owner.id });
seedMembers(world, chat.id, members);
const ms = performance.now() - start;
const rssMb = process.memoryUsage().rss / 2 ** 20;
const peakRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ ms, rssMb, peakRssMb, participants: chat.participants.size })}\n`);
