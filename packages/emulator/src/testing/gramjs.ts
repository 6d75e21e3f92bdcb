/**
 * Small helpers for driving real GramJS clients in end-to-end tests: log in through GramJS's own
 * flow, and await the next message event that matches.
 */
import type { TelegramClient } from "telegram";
import { NewMessage, type NewMessageEvent } from "telegram/events/index.js";

/** Log in through GramJS's `client.start` (sendCode, signIn, 2FA with SRP when a password is given). */
export async function loginWithCode(client: TelegramClient, phone: string, code: () => Promise<string>, password?: string): Promise<void> {
  let failure: Error | undefined;
  const started = client.start({
    phoneNumber: async () => phone,
    phoneCode: code,
    password: async () => {
      if (password === undefined) throw new Error("the emulator asked for a 2FA password the test did not expect");
      return password;
    },
    onError: async (err) => {
      failure = err;
      return true; // stop: a test login never retries
    },
  });
  // GramJS answers a stopped login with AUTH_USER_CANCEL; the error that stopped it is the one to report.
  await started.catch((err: unknown) => {
    throw failure ?? err;
  });
  if (failure) throw failure;
}

/** Resolve with the next NewMessage event whose text matches; rejects after timeoutMs. */
export function nextMessage(client: TelegramClient, match: string | RegExp, timeoutMs = 10_000): Promise<NewMessageEvent> {
  return new Promise((resolve, reject) => {
    const builder = new NewMessage({});
    const handler = (event: NewMessageEvent) => {
      const text = event.message.message ?? "";
      if (typeof match === "string" ? text === match : match.test(text)) {
        clearTimeout(timer);
        client.removeEventHandler(handler, builder);
        resolve(event);
      }
    };
    const timer = setTimeout(() => {
      client.removeEventHandler(handler, builder);
      reject(new Error(`no message matching ${String(match)} within ${timeoutMs} ms`));
    }, timeoutMs);
    client.addEventHandler(handler, builder);
  });
}
