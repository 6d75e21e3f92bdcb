/**
 * Telegram RPC errors as the server sends them: a numeric code and an upper-case name
 * (https://core.telegram.org/api/errors). The model and the method handlers throw these; the router
 * turns them into rpc_error. They live with the model, the lowest layer, so that every layer above
 * can throw them without the model importing upwards.
 */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    readonly errorMessage: string,
  ) {
    super(`${code} ${errorMessage}`);
    this.name = "RpcError";
  }
}

/** 400: bad input from the client (PEER_ID_INVALID, USERNAME_NOT_OCCUPIED, ...). */
export const badRequest = (name: string) => new RpcError(400, name);
/** 401: authorization problems (AUTH_KEY_UNREGISTERED, SESSION_PASSWORD_NEEDED, ...). */
export const unauthorized = (name: string) => new RpcError(401, name);
/** 403: the account lacks the right (CHAT_ADMIN_REQUIRED, CHAT_WRITE_FORBIDDEN, ...). */
export const forbidden = (name: string) => new RpcError(403, name);
/** 420: FLOOD_WAIT_X, X in seconds. */
export const floodWait = (seconds: number) => new RpcError(420, `FLOOD_WAIT_${Math.max(1, Math.ceil(seconds))}`);
/** 406: errors the client shows to the user as is. */
export const notAcceptable = (name: string) => new RpcError(406, name);
