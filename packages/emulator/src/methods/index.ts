/** Every method the emulator serves, merged from the per-namespace tables. */
import type { MethodTable } from "../rpc/context.js";
import { accountMethods } from "./account.js";
import { authMethods } from "./auth.js";
import { channelMethods } from "./channels.js";
import { chatMethods } from "./chats.js";
import { contactMethods } from "./contacts.js";
import { forwardMethods } from "./forward.js";
import { helpMethods } from "./help.js";
import { messageMethods } from "./messages.js";
import { updateMethods } from "./updates.js";
import { uploadMethods } from "./upload.js";
import { userMethods } from "./users.js";

/** The merged table; a name defined twice is a programming error, caught at start. */
export function allMethods(): MethodTable {
  const tables = [
    accountMethods,
    authMethods,
    channelMethods,
    chatMethods,
    contactMethods,
    forwardMethods,
    helpMethods,
    messageMethods,
    updateMethods,
    uploadMethods,
    userMethods,
  ];
  const merged: MethodTable = {};
  for (const table of tables) {
    for (const [name, handler] of Object.entries(table)) {
      if (merged[name]) throw new Error(`method ${name} is defined twice`);
      merged[name] = handler;
    }
  }
  return merged;
}
