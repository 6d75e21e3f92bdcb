/**
 * Inline keyboards (bot mode): rows of buttons under a message, each opening a link or sending the bot
 * a callback query with up to 64 bytes of data; and typed callback data, a small codec per action:
 *
 *   const vote = callbackData("vote", { poll: "int", choice: "string" });
 *   ctx.reply("Lunch?", { keyboard: [[vote.button("Pizza", { poll: 7, choice: "pizza" })]] });
 *   onCallback(vote, (ctx) => ctx.answer(`You chose ${ctx.values.choice}`));
 */

/** Telegram's limit on a callback button's data. */
export const CALLBACK_DATA_MAX_BYTES = 64;

/** A button that sends the bot a callback query carrying `data`. */
export interface CallbackButton {
  readonly text: string;
  readonly data: string;
}

/** A button that opens a link. */
export interface UrlButton {
  readonly text: string;
  readonly url: string;
}

/** One inline button. */
export type InlineButton = CallbackButton | UrlButton;

/** Rows of inline buttons under a message; an empty keyboard removes the buttons a message had. */
export type InlineKeyboard = readonly (readonly InlineButton[])[];

/** Callback data that cannot be built (too long for Telegram, or a bad prefix or value). */
export class CallbackDataError extends Error {
  override name = "CallbackDataError";
}

/** Checks a keyboard before it is sent: every button has text, callback data fits in 64 bytes. */
export function checkKeyboard(keyboard: InlineKeyboard): void {
  for (const row of keyboard) {
    for (const button of row) {
      if (button.text.trim() === "") throw new CallbackDataError("an inline button needs a text");
      if ("data" in button) checkDataLength(button.data);
    }
  }
}

function checkDataLength(data: string): void {
  const bytes = Buffer.byteLength(data, "utf8");
  if (bytes === 0) throw new CallbackDataError("callback data must not be empty");
  if (bytes > CALLBACK_DATA_MAX_BYTES) {
    throw new CallbackDataError(`callback data ${JSON.stringify(data)} is ${bytes} bytes; Telegram allows ${CALLBACK_DATA_MAX_BYTES}`);
  }
}

/** The kind of one field of callback data. */
export type FieldKind = "string" | "int" | "bool";

/** The values a set of fields holds. */
export type FieldValues<F extends Readonly<Record<string, FieldKind>>> = {
  readonly [K in keyof F]: F[K] extends "int" ? number : F[K] extends "bool" ? boolean : string;
};

/** The codec of one action's callback data: "prefix:value:value...". */
export interface CallbackData<F extends Readonly<Record<string, FieldKind>>> {
  readonly prefix: string;
  /** The data string for these values; throws CallbackDataError beyond 64 bytes. */
  encode(values: FieldValues<F>): string;
  /** The values of a data string of this action, or undefined when it is another action's or malformed. */
  decode(data: string): FieldValues<F> | undefined;
  /** A callback button carrying these values. */
  button(text: string, values: FieldValues<F>): CallbackButton;
}

const PREFIX = /^[A-Za-z0-9_-]{1,16}$/;

/** Declares the callback data of one action: a prefix (1-16 letters, digits, "_" or "-") and typed fields, in order. */
export function callbackData<const F extends Readonly<Record<string, FieldKind>>>(prefix: string, fields: F): CallbackData<F> {
  if (!PREFIX.test(prefix)) throw new CallbackDataError(`callback prefix ${JSON.stringify(prefix)} must be 1-16 letters, digits, "_" or "-"`);
  const names = Object.keys(fields) as (keyof F & string)[];
  const encode = (values: FieldValues<F>): string => {
    const parts = names.map((name) => encodeField(name, fields[name], values[name]));
    const data = [prefix, ...parts].join(":");
    checkDataLength(data);
    return data;
  };
  return {
    prefix,
    encode,
    decode(data) {
      const parts = data.split(":");
      if (parts[0] !== prefix || parts.length !== names.length + 1) return undefined;
      const values: Record<string, string | number | boolean> = {};
      for (const [index, name] of names.entries()) {
        const value = decodeField(fields[name], parts[index + 1]);
        if (value === undefined) return undefined;
        values[name] = value;
      }
      return values as FieldValues<F>;
    },
    button: (text, values) => ({ text, data: encode(values) }),
  };
}

function encodeField(name: string, kind: FieldKind, value: unknown): string {
  if (kind === "int") {
    if (typeof value !== "number" || !Number.isSafeInteger(value)) throw new CallbackDataError(`callback field ${name} must be an integer`);
    return String(value);
  }
  if (kind === "bool") return value === true ? "1" : "0";
  if (typeof value !== "string") throw new CallbackDataError(`callback field ${name} must be a string`);
  return value.replace(/%/g, "%25").replace(/:/g, "%3A");
}

function decodeField(kind: FieldKind, text: string): string | number | boolean | undefined {
  if (kind === "int") return /^-?\d{1,16}$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : undefined;
  if (kind === "bool") return text === "1" ? true : text === "0" ? false : undefined;
  return text.replace(/%3A/g, ":").replace(/%25/g, "%");
}
