import { Api, type TelegramClient } from "telegram";
import { type Credentials, explainLoginError, userOf } from "./loginError.js";

/** Signs a bot in with its token (auth.importBotAuthorization); refusals become a LoginError saying what to do. */
export async function loginBot(client: TelegramClient, credentials: Credentials, token: string): Promise<Api.TypeUser> {
  try {
    return userOf(
      await client.invoke(new Api.auth.ImportBotAuthorization({ flags: 0, apiId: credentials.apiId, apiHash: credentials.apiHash, botAuthToken: token })),
    );
  } catch (error) {
    throw explainLoginError(error);
  }
}
