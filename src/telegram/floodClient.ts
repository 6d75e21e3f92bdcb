/**
 * The GramJS client handed to plugins as `ctx.client`. GramJS is built with `floodSleepThreshold: 0`, so its
 * own invoke throws on the first FLOOD_WAIT; this view sends every request (the raw `invoke` and, through it,
 * GramJS's high-level methods, which call `this.invoke`) through the runtime's flood-wait policy: short waits
 * are slept through and retried, long ones raise FloodWaitError. Only the public `invoke` is wrapped.
 */
import type { Api, TelegramClient } from "telegram";
import { type FloodWaitPolicy, withFloodWait } from "./floodWait.js";

/** A view of `client` whose invoke follows the flood-wait policy; everything else is the client itself. */
export function floodAwareClient(client: TelegramClient, flood: FloodWaitPolicy): TelegramClient {
  const invoke = <R extends Api.AnyRequest>(request: R, dcId?: number): Promise<R["__response"]> =>
    withFloodWait(methodName(request), () => client.invoke(request, dcId), flood);
  return new Proxy(client, {
    get(target, property, receiver) {
      return property === "invoke" ? invoke : Reflect.get(target, property, receiver);
    },
  });
}

/** "messages.getHistory" for a GramJS request whose className is "messages.GetHistory". */
function methodName(request: Api.AnyRequest): string {
  const name = (request as { className?: string }).className ?? "unknown";
  const dot = name.lastIndexOf(".");
  return dot < 0 ? name : `${name.slice(0, dot + 1)}${name.charAt(dot + 1).toLowerCase()}${name.slice(dot + 2)}`;
}
