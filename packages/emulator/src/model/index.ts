/**
 * The model's public face for tests and benchmarks that build a world in-process (faster than the
 * control API for big fixtures): the world, and the calls that create people, chats, members and messages.
 */

export { createChat, isMemberRole, memberCount, participantIndex, participantOf } from "./chats.js";
export { copyIn } from "./copies.js";
export { deleteChannelMessages, deleteMessages } from "./deletes.js";
export { editChannelMessage, editMessage } from "./edits.js";
export { setMemberRole } from "./participants.js";
export { currentQts } from "./qts.js";
export type { ChatRecord, Participant, PeerRef, Role, UserRecord } from "./records.js";
export { seedMembers } from "./seed.js";
export { postMessage } from "./sending.js";
export { createUser, type UserSpec } from "./users.js";
export { World } from "./world.js";
