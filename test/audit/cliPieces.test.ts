import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { enumerationNotes } from "../../src/audit/audit.js";
import { type ChatFiles, readChatArguments } from "../../src/audit/chatList.js";
import { lineProgress, terminalProgress } from "../../src/audit/progress.js";
import type { AuditTarget } from "../../src/audit/types.js";
import { fitMessage } from "../../src/plugins/audit.js";

const files = (contents: Record<string, string>): ChatFiles => ({ isFile: (path) => path in contents, read: (path) => contents[path] });

describe("chat arguments", () => {
  it("takes @usernames, links, ids and files listing them, once each", () => {
    const chats = readChatArguments(
      ["@team", "groups.txt", "https://t.me/news", "-1001234"],
      files({ "groups.txt": "# my groups\n@team\nt.me/c/777/5\n\n  friends_chat  # the old one\r\n" }),
    );
    expect(chats).toEqual([
      { text: "@team", input: { kind: "username", username: "team" } },
      { text: "t.me/c/777/5", input: { kind: "id", id: "-100777" } },
      { text: "friends_chat", input: { kind: "username", username: "friends_chat" } },
      { text: "https://t.me/news", input: { kind: "username", username: "news" } },
      { text: "-1001234", input: { kind: "id", id: "-1001234" } },
    ]);
  });

  it("names the file and line of a bad entry", () => {
    expect(() => readChatArguments(["list.txt"], files({ "list.txt": "@good_one\nt.me/+AbCdEf\n" }))).toThrow(
      /^list\.txt:2: t\.me\/\+AbCdEf is an invite link/,
    );
    expect(() => readChatArguments(["@x"], files({}))).toThrow(/not a valid username/);
  });

  it("never reads a file for something that can only be a chat", () => {
    expect(readChatArguments(["@team"], files({ "@team": "@other" }))).toEqual([{ text: "@team", input: { kind: "username", username: "team" } }]);
  });
});

const target: AuditTarget = { id: "-1001", kind: "megagroup", title: "Team", username: "team", memberCount: 25_000, isAdmin: false };

describe("progress lines", () => {
  it("prints the start, every tenth of the way, flood waits and the end", () => {
    const lines: string[] = [];
    let now = 0;
    const progress = lineProgress(
      (line) => lines.push(line),
      () => now,
    );
    progress.start(target);
    const status = {
      memberCount: 25_000,
      kickedCount: null,
      kickedFound: 0,
      complete: false,
      recentTruncated: false,
      recentReread: false,
      searchExhausted: false,
      concurrency: 8,
    };
    const queries = { recent: 1, admins: 0, bots: 0, banned: 0, kicked: 0, search: 0 };
    for (const found of [200, 400, 2_600, 2_800, 5_000]) progress.update({ ...status, queries, membersFound: found, requests: found / 200 });
    progress.floodWait({ seconds: 12, resumeAt: 12_000, from: 8, to: 4 });
    now = 11_000;
    progress.update({ ...status, queries, membersFound: 5_200, requests: 26 });
    now = 20_500;
    progress.end({ found: 25_000, memberCount: 25_000, requests: 125 });
    expect(lines).toEqual([
      "audit @team: listing 25,000 members (megagroup -1001)",
      "audit @team: 2,600/25,000 members (10%), 13 requests",
      "audit @team: 5,000/25,000 members (20%), 25 requests",
      "audit @team: FLOOD_WAIT 12 s: pausing requests, 8 → 4 in flight",
      "audit @team: 5,200/25,000 members (20%), 26 requests",
      "audit @team: listed 25,000 of 25,000 members with 125 requests in 20.5 s",
    ]);
  });
});

describe("the progress bar", () => {
  it("draws members and requests, and a FLOOD_WAIT countdown in place of the status", () => {
    let drawn = "";
    const stream = Object.assign(
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          drawn += chunk.toString();
          done();
        },
      }),
      { isTTY: true, columns: 200, rows: 40, cursorTo: () => true, clearLine: () => true, moveCursor: () => true },
    );
    const now = 1_000;
    const progress = terminalProgress(stream as unknown as NodeJS.WriteStream, () => now);
    progress.start(target);
    const queries = { recent: 1, admins: 0, bots: 0, banned: 0, kicked: 0, search: 0 };
    progress.update({
      memberCount: 25_000,
      membersFound: 12_400,
      kickedCount: null,
      kickedFound: 0,
      complete: false,
      recentTruncated: false,
      recentReread: false,
      searchExhausted: false,
      concurrency: 8,
      queries,
      requests: 62,
    });
    progress.floodWait({ seconds: 75, resumeAt: now + 75_000, from: 8, to: 4 });
    progress.end(undefined);
    expect(drawn).toContain("@team [");
    expect(drawn).toContain("12,400/25,000 members | 62 requests | FLOOD_WAIT: resuming in 1 min 15 s (8 → 4 in flight)");
  });
});

describe("report notes and summaries", () => {
  it("says why members are missing and that banned people need admin rights", () => {
    const notes = enumerationNotes(target, {
      memberCount: 25_000,
      membersFound: 24_990,
      kickedCount: null,
      kickedFound: 0,
      complete: false,
      recentTruncated: true,
      recentReread: false,
      searchExhausted: false,
      queries: { recent: 1, admins: 1, bots: 1, banned: 0, kicked: 0, search: 40 },
    });
    expect(notes).toEqual([
      "Telegram's recent-members list stopped before the member count; the rest was searched through the admin, bot lists and 40 name searches",
      expect.stringMatching(/^10 of 25000 members were not found: .*deleted accounts have no name/),
      "banned people are not listed: that list needs admin rights, which this account does not have",
    ]);
  });

  it("blames changes during the run when Recent listed everyone", () => {
    const status = {
      memberCount: 900,
      membersFound: 899,
      kickedCount: 0,
      kickedFound: 0,
      complete: false,
      recentTruncated: false,
      recentReread: true,
      searchExhausted: false,
    };
    const notes = enumerationNotes({ ...target, isAdmin: true }, { ...status, queries: { recent: 1, admins: 0, bots: 0, banned: 0, kicked: 1, search: 0 } });
    expect(notes).toEqual(["1 of 900 members were not found: people joined or left while the list was read; run the audit again for an exact list"]);
  });

  it("cuts a long summary at a line end to fit one Telegram message", () => {
    const long = Array.from({ length: 500 }, (_, i) => `line ${i}`).join("\n");
    const cut = fitMessage(long, 200);
    expect(cut.length).toBeLessThanOrEqual(200);
    expect(cut).toMatch(/line \d+\n… \(cut: run `npm run audit` for the full report\)$/);
    expect(fitMessage("short", 200)).toBe("short");
  });
});
