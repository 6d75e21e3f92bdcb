import { Api, type TelegramClient } from "telegram";
import { computeCheck } from "telegram/Password.js";
import { rpcErrorName } from "../../errors.js";
import { attemptsLeft, DEFAULT_ATTEMPTS, explainLoginError, LoginError, type LoginIO, userOf } from "./loginError.js";

/** Wrong-password answers: ask again. SRP_ID_INVALID means the SRP parameters went stale: fetch them again. */
const RETRY = new Set(["PASSWORD_HASH_INVALID", "SRP_ID_INVALID", "SRP_PASSWORD_CHANGED"]);

/**
 * The two-step verification step (after SESSION_PASSWORD_NEEDED): asks for the password, showing the
 * account's hint, proves it with SRP (auth.checkPassword), and asks again after a wrong one.
 */
export async function checkTwoFactor(client: TelegramClient, io: LoginIO, attempts = DEFAULT_ATTEMPTS): Promise<Api.TypeUser> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const settings = await client.invoke(new Api.account.GetPassword());
      const hint = settings.hint ? ` (hint: ${settings.hint})` : "";
      const password = await io.prompter.password(`Two-step verification password${hint}:`);
      if (password === "") {
        if (attempt >= attempts) throw new LoginError("No password given: run the login again.");
        io.say(`The password cannot be empty; try again (${attemptsLeft(attempts - attempt)}).`);
        continue;
      }
      const check = await computeCheck(settings, password);
      return userOf(await client.invoke(new Api.auth.CheckPassword({ password: check })));
    } catch (error) {
      const name = rpcErrorName(error);
      if (name === undefined || !RETRY.has(name)) throw explainLoginError(error);
      if (attempt >= attempts) throw new LoginError(`Wrong password ${attempts} times: run the login again.`, { cause: error });
      io.say(`Wrong password; try again (${attemptsLeft(attempts - attempt)}).`);
    }
  }
}
