/**
 * TELEGRAM_PROXY: reaching Telegram through a SOCKS5, SOCKS4 or MTProto proxy (pure). Parsed from
 * `socks5://[user:pass@]host:port`, `socks4://[user@]host:port` or `mtproxy://SECRET@host:port`, handed to
 * GramJS through its own `proxy` client option, and the proxy's refusals read back from its errors. No
 * message here ever contains the user name, the password or the secret.
 */

/** A proxy to connect through. */
export type ProxyConfig =
  | { readonly kind: "socks5"; readonly host: string; readonly port: number; readonly username?: string; readonly password?: string }
  | { readonly kind: "socks4"; readonly host: string; readonly port: number; readonly username?: string }
  | { readonly kind: "mtproxy"; readonly host: string; readonly port: number /** 32 hex digits, or dd and 32 hex digits. */; readonly secret: string };

/** GramJS's `proxy` client option (TelegramClientParams.proxy: its SocksProxyType or MTProxyType). */
export type GramjsProxy =
  | { ip: string; port: number; socksType: 4 | 5; username?: string; password?: string; timeout?: number }
  | { ip: string; port: number; secret: string; MTProxy: true; timeout?: number };

const FORMS = "socks5://user:pass@host:port, socks4://host:port or mtproxy://SECRET@host:port";

/** Parses TELEGRAM_PROXY; returns the proxy, or the one line saying what is wrong (never echoing a credential). */
export function parseProxy(value: string): ProxyConfig | string {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value)?.[1].toLowerCase();
  if (scheme === undefined) return `TELEGRAM_PROXY must be a proxy URL: ${FORMS}`;
  if (!["socks5", "socks4", "mtproxy"].includes(scheme)) {
    const shown = /^[a-z0-9+.-]{1,16}$/.test(scheme) ? `"${scheme}://"` : "its scheme";
    return `TELEGRAM_PROXY ${shown} is not supported: use ${FORMS} (HTTP proxies cannot carry MTProto)`;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `TELEGRAM_PROXY is not a valid ${scheme}:// URL: use ${FORMS} (percent-encode @ : / in a user name or password)`;
  }
  if ((url.pathname !== "" && url.pathname !== "/") || url.search !== "" || url.hash !== "") {
    return `TELEGRAM_PROXY must end at host:port, with no path, query or fragment: ${FORMS}`;
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "") return `TELEGRAM_PROXY names no host: ${FORMS}`;
  if (url.port === "") return `TELEGRAM_PROXY must give the proxy's port, e.g. ${scheme}://${scheme === "mtproxy" ? "SECRET@" : ""}${url.host}:1080`;
  const port = Number(url.port);
  if (!(port >= 1 && port <= 65_535)) return "TELEGRAM_PROXY's port must be from 1 to 65535";
  let username: string;
  let password: string;
  try {
    username = decodeURIComponent(url.username);
    password = decodeURIComponent(url.password);
  } catch {
    return "TELEGRAM_PROXY's user name or password has a malformed %-escape";
  }
  if (scheme === "mtproxy") return mtproxy(host, port, username, password);
  if (scheme === "socks4") {
    if (password !== "") return "TELEGRAM_PROXY: SOCKS4 has no passwords; use socks4://user@host:port, or socks5://user:pass@host:port";
    return { kind: "socks4", host, port, ...(username !== "" && { username }) };
  }
  if ((username === "") !== (password === "")) {
    return "TELEGRAM_PROXY gives a SOCKS5 user name without a password or a password without a user name: use socks5://user:pass@host:port";
  }
  if (Buffer.byteLength(username) > 255 || Buffer.byteLength(password) > 255) {
    return "TELEGRAM_PROXY's SOCKS5 user name and password must each be at most 255 bytes (RFC 1929)";
  }
  return { kind: "socks5", host, port, ...(username !== "" && { username, password }) };
}

function mtproxy(host: string, port: number, userinfo: string, password: string): ProxyConfig | string {
  if (userinfo === "") return `TELEGRAM_PROXY must give the MTProxy's secret: mtproxy://SECRET@${host}:${port}`;
  if (password !== "") return "TELEGRAM_PROXY: an MTProxy takes a secret only, with no password: mtproxy://SECRET@host:port";
  const secret = mtproxySecretHex(userinfo);
  if (secret === "fake-tls") {
    return "TELEGRAM_PROXY's MTProxy secret is a fake-TLS one (it starts with ee), which GramJS cannot use: ask the proxy for a plain or dd secret";
  }
  if (secret === undefined) {
    return "TELEGRAM_PROXY's MTProxy secret must be 32 hexadecimal digits, or dd and 32 (as in the proxy's link), or the same in base64";
  }
  return { kind: "mtproxy", host, port, secret };
}

/** An MTProxy secret as hex (16 bytes, or dd and 16 bytes), from hex or (URL-safe) base64; "fake-tls" for an ee secret. */
export function mtproxySecretHex(text: string): string | "fake-tls" | undefined {
  let bytes: Buffer;
  if (/^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0) bytes = Buffer.from(text, "hex");
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) bytes = Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  else return undefined;
  if (bytes.length > 17 && bytes[0] === 0xee) return "fake-tls";
  if (bytes.length === 16 || (bytes.length === 17 && bytes[0] === 0xdd)) return bytes.toString("hex");
  return undefined;
}

/** The proxy as GramJS's `proxy` client option takes it. */
export function gramjsProxy(proxy: ProxyConfig): GramjsProxy {
  if (proxy.kind === "mtproxy") return { ip: proxy.host, port: proxy.port, secret: proxy.secret, MTProxy: true };
  const socksType = proxy.kind === "socks5" ? 5 : 4;
  return { ip: proxy.host, port: proxy.port, socksType, username: proxy.username, ...(proxy.kind === "socks5" && { password: proxy.password }) };
}

/** Where the proxy is, without credentials: "socks5 127.0.0.1:1080". */
export function describeProxy(proxy: ProxyConfig): string {
  return `${proxy.kind} ${proxy.host.includes(":") ? `[${proxy.host}]` : proxy.host}:${proxy.port}`;
}

/** The proxy's secret values (user name, password, MTProxy secret), to register with the logger's SecretRegistry. */
export function proxySecrets(proxy: ProxyConfig | undefined): string[] {
  if (proxy === undefined) return [];
  if (proxy.kind === "mtproxy")
    return [proxy.secret, Buffer.from(proxy.secret, "hex").toString("base64"), Buffer.from(proxy.secret, "hex").toString("base64url")];
  return [proxy.username, proxy.kind === "socks5" ? proxy.password : undefined].filter((value): value is string => value !== undefined);
}

/**
 * The one line for a proxy's refusal that no retry can fix (the SOCKS package's errors as GramJS passes
 * them on): wrong credentials, or credentials missing where the proxy wants them. Undefined for anything
 * else (the proxy unreachable, or refusing one connection), which GramJS retries.
 */
export function proxyRefusal(error: unknown, proxy: ProxyConfig): string | undefined {
  const message = error instanceof Error ? error.message : "";
  const where = describeProxy(proxy);
  if (message.startsWith("Socks5 Authentication failed")) {
    return `TELEGRAM_PROXY: the proxy at ${where} refused the user name and password: check them in TELEGRAM_PROXY`;
  }
  if (message.includes("no accepted authentication type")) {
    const given = proxy.kind === "socks5" && proxy.username !== undefined;
    return given
      ? `TELEGRAM_PROXY: the proxy at ${where} accepts no user name and password: check its authentication settings`
      : `TELEGRAM_PROXY: the proxy at ${where} wants a user name and password: use socks5://user:pass@host:port`;
  }
  return undefined;
}
