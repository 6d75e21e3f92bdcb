/**
 * `.audit <chat>`: the owner audits a group or channel from any chat; the summary (totals, admins,
 * changes since the last audit) goes to Saved Messages. Snapshots are kept in the session's database,
 * sessions/NAME.db for TELEGRAM_SESSION (default "default"), the same one `npm run audit` uses.
 */
import { Writable } from "node:stream";
import { auditChat } from "../audit/audit.js";
import { AuditError } from "../audit/errors.js";
import { TextOutput } from "../audit/output.js";
import { SqliteSnapshotStore } from "../audit/sqliteSnapshots.js";
import { tableWriter } from "../audit/writers/table.js";
import { type Context, command, definePlugin, type Plugin } from "../handlers/index.js";
import { openDatabase, sessionDatabasePath } from "../store/database.js";
import { PeerError, type PeerInput, parsePeerInput } from "../telegram/peers.js";

/** Longest summary sent (Telegram's message limit is 4096 characters). */
export const SUMMARY_LIMIT = 4000;

/** Where the command keeps snapshots: the session database of TELEGRAM_SESSION. */
export function defaultAuditDatabase(): string {
  return sessionDatabasePath("sessions", process.env.TELEGRAM_SESSION?.trim() || "default");
}

/** Text written to a string. */
function collector(): { stream: Writable; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join("") };
}

/** Cuts a summary to the message limit at a line end, saying where the full report is. */
export function fitMessage(text: string, limit = SUMMARY_LIMIT): string {
  if (text.length <= limit) return text;
  const tail = "\n… (cut: run `npm run audit` for the full report)";
  const cut = text.lastIndexOf("\n", limit - tail.length);
  return `${text.slice(0, cut > 0 ? cut : limit - tail.length)}${tail}`;
}

async function runAudit(ctx: Context, input: PeerInput, label: string, databaseFile: string): Promise<string> {
  const db = openDatabase(databaseFile);
  try {
    const result = await auditChat(ctx.client, new SqliteSnapshotStore(db), input);
    const sink = collector();
    const writer = tableWriter(new TextOutput(sink.stream));
    await writer.chat(result);
    await writer.end(false);
    return fitMessage(`Audit of ${label}\n\n${sink.text()}`);
  } finally {
    db.close();
  }
}

/** The audit plugin, keeping snapshots in `databaseFile()` (the session database by default). */
export function auditPlugin(databaseFile: () => string = defaultAuditDatabase): Plugin {
  const audit = async (ctx: Context) => {
    const label = ctx.args[0];
    if (label === undefined || ctx.args.length > 1) {
      await ctx.answer(`Usage: ${ctx.prefix}audit <@group | t.me link | id>`);
      return;
    }
    let input: PeerInput;
    try {
      input = parsePeerInput(label);
    } catch (error) {
      if (error instanceof PeerError) return void (await ctx.answer(error.message));
      throw error;
    }
    await ctx.answer(`Auditing ${label}: the summary will be in Saved Messages.`);
    let summary: string;
    try {
      summary = await runAudit(ctx, input, label, databaseFile());
    } catch (error) {
      if (!(error instanceof AuditError || error instanceof PeerError)) throw error;
      summary = `Audit of ${label} failed: ${error.message}`;
    }
    await ctx.telegram.sendMessage(ctx.me.id, summary);
    await ctx.answer(`Audit of ${label} done: the summary is in Saved Messages.`);
  };
  return definePlugin({
    name: "audit",
    description: "Audits a group's members",
    handlers: [
      command(
        {
          name: "audit",
          description: "audit a group or channel; the summary goes to Saved Messages",
          usage: "<@group | t.me link | id>",
          needs: { access: "owner", modes: ["user"] },
        },
        audit,
      ),
    ],
  });
}

export default auditPlugin();
