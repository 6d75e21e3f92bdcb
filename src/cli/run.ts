/**
 * Shared plumbing of the command-line entry points: a user's mistake becomes one clear line on
 * stderr and a non-zero exit code, never a stack trace.
 */

/** An error whose message is meant for the user as is. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = "UserError";
  }
}

/** Stop with a one-line message for the user (exit code 2 unless given). */
export function fail(message: string, exitCode = 2): never {
  throw new UserError(message, exitCode);
}

/** Errors from other modules that carry a user-facing message (config, seed files, sessions, login, plugins, access rules). */
const USER_FACING = new Set([
  "UserError",
  "ConfigError",
  "SeedError",
  "PeerError",
  "SessionError",
  "LoginError",
  "PromptClosedError",
  "PluginLoadError",
  "AccessInputError",
  "MembershipUnknownError",
  "AuditError",
  "AuditInterrupted",
  "FailOnRuleError",
]);

/** Run a CLI main function: exit 0 on success, print one line and exit non-zero on failure. */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      const userFacing = USER_FACING.has(e.name) || USER_FACING.has(e.constructor.name);
      process.stderr.write(`${userFacing ? "" : "error: "}${e.message}\n`);
      if (!userFacing && process.env.DEBUG) process.stderr.write(`${e.stack}\n`);
      process.exit(userFacing ? ((e as UserError).exitCode ?? 2) : 1);
    },
  );
}
