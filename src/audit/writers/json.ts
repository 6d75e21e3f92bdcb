/**
 * JSON for scripts: one document {"version": 1, "generatedAt", "audits": [...], "failures": [...],
 * "interrupted"}, each audit being the report with its change list and member rows (times as ISO 8601
 * strings in UTC). Members and changes are streamed out one by one, never held as one array.
 */
import type { Change } from "../diff.js";
import type { TextOutput } from "../output.js";
import { isoTime } from "../report.js";
import type { MemberRow } from "../types.js";
import type { AuditFailure, ReportWriter } from "./writer.js";

/** Format version of the document; bumped when a field changes meaning or goes away. */
export const JSON_VERSION = 1;

const time = (seconds: number | null) => (seconds === null ? null : isoTime(seconds * 1000));

/** A member row as the JSON document holds it. */
export function jsonMember(r: MemberRow): Record<string, unknown> {
  return { ...r, lastOnlineAt: time(r.lastOnlineAt), joinedAt: time(r.joinedAt), bannedUntil: time(r.bannedUntil) };
}

/** Writes the items of an iterable as a JSON array, one item per line. */
async function writeArray<T>(out: TextOutput, items: Iterable<T>, toJson: (item: T) => unknown, indent: string): Promise<void> {
  let first = true;
  await out.write("[");
  for (const item of items) {
    await out.write(`${first ? "\n" : ",\n"}${indent}  ${JSON.stringify(toJson(item))}`);
    first = false;
  }
  await out.write(first ? "]" : `\n${indent}]`);
}

/** The JSON writer. */
export function jsonWriter(out: TextOutput, now: () => number = Date.now): ReportWriter {
  let audits = 0;
  const failures: AuditFailure[] = [];
  let opened = false;
  const open = async () => {
    if (opened) return;
    opened = true;
    await out.write(`{\n  "version": ${JSON_VERSION},\n  "generatedAt": ${JSON.stringify(isoTime(now()))},\n  "audits": [`);
  };
  return {
    async chat(result) {
      await open();
      const { changes, ...report } = result.report;
      const head = JSON.stringify(report, null, 2).slice(0, -2).replace(/\n/g, "\n    ");
      await out.write(`${audits++ === 0 ? "\n" : ",\n"}    ${head},\n      "changes": `);
      if (changes === null) await out.write("null");
      else {
        await out.write(`{\n        "counts": ${JSON.stringify(changes)},\n        "items": `);
        await writeArray<Change>(out, result.changes(), (c) => c, "        ");
        await out.write("\n      }");
      }
      await out.write(',\n      "members": ');
      await writeArray(out, result.members(), jsonMember, "      ");
      await out.write("\n    }");
    },
    async failure(failure) {
      failures.push(failure);
    },
    async end(interrupted) {
      await open();
      await out.write(`${audits > 0 ? "\n  " : ""}],\n  "failures": ${JSON.stringify(failures)},\n  "interrupted": ${interrupted}\n}\n`);
      await out.flush();
    },
  };
}
