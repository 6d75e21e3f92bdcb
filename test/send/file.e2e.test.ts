/**
 * `npm run send --file` end to end: the command in child processes against the emulator over TCP, as the
 * saved user session and as a bot. A document with a Markdown caption arrives byte for byte under its name,
 * an image goes as a document unless --photo asks for a photo, a caption over 1,024 characters follows the
 * file as its own message, two files in one command are paced, a lost upload part is uploaded again, and
 * every mistake is one line and exit 2 before connecting.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ControlMessage } from "@tg-toolkit/emulator/control";
import { pngImage } from "@tg-toolkit/emulator/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../src/config.js";
import { runCli } from "../kit/cli.js";
import { API_HASH, preSharedSession, startWorld, type World, workingDir } from "../kit/world.js";

let world: World;
let owner: { id: string };
let alice: { id: string };
let bot: { id: string; botToken?: string };
let files: string;
let session: string;

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** A working directory whose sessions/default.session is the owner's (user mode). */
function ownerDir(): string {
  return workingDir(world, session);
}

/** Writes a file into the scratch folder; resolves its path. */
function file(name: string, bytes: Buffer): string {
  const path = join(files, name);
  writeFileSync(path, bytes);
  return path;
}

function env(overrides: Env = {}): Env {
  return world.env({ LOG_FORMAT: "json", ...overrides });
}

/** The newest messages of a private chat as `viewerId` sees it, oldest first. */
async function latest(viewerId: string, otherId: string, count: number): Promise<ControlMessage[]> {
  return (await world.control.messages("user", otherId, { viewerId, limit: count })).reverse();
}

beforeAll(async () => {
  world = await startWorld();
  const { control } = world;
  owner = await control.createUser({ firstName: "Olivia", username: "olivia_sf" });
  alice = await control.createUser({ firstName: "Alice", username: "alice_sf" });
  bot = await control.createUser({ firstName: "Shop", username: "shop_sf_bot", bot: true });
  await control.createChat({
    type: "channel",
    title: "Bob's news",
    username: "bobs_news_sf",
    creatorId: alice.id,
    members: [{ userId: owner.id, role: "member" }],
  });
  files = mkdtempSync(join(world.dir, "files-"));
  session = await preSharedSession(world.emu, owner.id);
});

afterAll(async () => {
  await world?.stop();
});

describe("npm run send --file", () => {
  it("sends a document with a Markdown caption; an image without --photo arrives unchanged as a document", async () => {
    const cwd = ownerDir();
    const report = randomBytes(700 * 1024);
    const png = pngImage(320, 200, 7);
    const [doc, image] = await Promise.all([
      runCli("send", ["@alice_sf", "--file", file("report.pdf", report), "Monthly", "**report**", "--markdown"], { cwd, env: env() }),
      runCli("send", ["me", "--file", file("chart.png", png)], { cwd, env: env() }),
    ]);
    expect(doc.code, doc.stderr).toBe(0);
    expect(doc.stdout).toMatch(/^Sent report\.pdf to @alice_sf: message \d+\.\n$/);
    expect(doc.stderr).toBe("");
    const [received] = await latest(alice.id, owner.id, 1);
    expect(received).toMatchObject({ fromId: owner.id, text: "Monthly report" });
    expect(received.media).toEqual({ kind: "document", fileName: "report.pdf", mimeType: "application/pdf", size: report.length, sha256: sha256(report) });
    const stored = world.emu.model.boxOf(Number(alice.id)).messages.get(Number(received.id))!;
    expect(stored.entities?.map((e) => [e.className, e.offset, e.length])).toEqual([["MessageEntityBold", 8, 6]]);

    expect(image.code, image.stderr).toBe(0);
    const [saved] = await latest(owner.id, owner.id, 1);
    expect(saved.media).toEqual({ kind: "document", fileName: "chart.png", mimeType: "image/png", size: png.length, sha256: sha256(png) });
  });

  it("sends an image as a photo with --photo", async () => {
    const png = pngImage(1024, 768, 3);
    const result = await runCli("send", ["me", "--photo", "--file", file("screen.png", png), "Deployed"], { cwd: ownerDir(), env: env() });
    expect(result.code, result.stderr).toBe(0);
    const [saved] = await latest(owner.id, owner.id, 1);
    expect(saved).toMatchObject({ text: "Deployed", media: { kind: "photo", width: 1024, height: 768, size: png.length, sha256: sha256(png) } });
  });

  it("sends a caption over 1,024 characters after the file, as its own message, and says so", async () => {
    const caption = `${"Release notes. ".repeat(100)}\nThe end.`;
    const bytes = randomBytes(4000);
    const result = await runCli("send", ["@alice_sf", "--file", file("notes.bin", bytes), caption], { cwd: ownerDir(), env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Sent notes\.bin and the caption to @alice_sf: 2 messages \(\d+-\d+\)\.\n$/);
    expect(result.stderr.trim()).toBe("note: the caption is longer than the 1,024 characters Telegram shows under a file: it follows as its own message");
    const [withFile, text] = await latest(alice.id, owner.id, 2);
    expect(withFile).toMatchObject({ text: "", media: { kind: "document", fileName: "notes.bin", sha256: sha256(bytes) } });
    expect(text.media).toBeUndefined();
    expect(text.text).toBe(caption.trim());
  });

  it("sends a 12 MB file from disk through saveBigFilePart", async () => {
    const bytes = randomBytes(12 * 1024 * 1024);
    const before = world.emu.router.stats.get("upload.saveBigFilePart") ?? 0;
    const result = await runCli("send", ["me", "--file", file("backup.tar", bytes)], { cwd: ownerDir(), env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect((world.emu.router.stats.get("upload.saveBigFilePart") ?? 0) - before).toBe(96);
    const [saved] = await latest(owner.id, owner.id, 1);
    expect(saved.media).toMatchObject({ kind: "document", fileName: "backup.tar", size: bytes.length, sha256: sha256(bytes) });
  });

  it("paces the files of one command by the RATE_* limits, within the emulator's flood limit", async () => {
    await world.control.setFloodLimit({ method: "messages.sendMedia", ratePerSecond: 1, burst: 4 });
    try {
      const contents = Array.from({ length: 5 }, () => randomBytes(3000));
      const args = ["me", ...contents.flatMap((bytes, i) => ["--file", file(`part${i}.bin`, bytes)]), "five files"];
      const started = performance.now();
      const result = await runCli("send", args, { cwd: ownerDir(), env: env({ RATE_CHAT_PER_SECOND: "1" }) });
      expect(result.code, result.stderr).toBe(0);
      expect(performance.now() - started).toBeGreaterThanOrEqual(2000); // three at once, then one a second
      expect(result.stdout).toMatch(/^Sent part0\.bin, part1\.bin, part2\.bin, part3\.bin, part4\.bin to Saved Messages: 5 messages \(\d+-\d+\)\.\n$/);
      expect(result.stderr).not.toContain("flood wait");
      const sent = await latest(owner.id, owner.id, 5);
      expect(sent.map((m) => [m.text, m.media?.fileName, m.media?.sha256])).toEqual(
        contents.map((bytes, i) => [i === 0 ? "five files" : "", `part${i}.bin`, sha256(bytes)]),
      );
    } finally {
      await world.control.setFloodLimit({ method: "messages.sendMedia", off: true });
    }
  });

  it("uploads a file again when Telegram lost its parts (FILE_PART_X_MISSING)", async () => {
    await world.control.addFault({ method: "messages.sendMedia", error: "FILE_PART_0_MISSING", count: 1 });
    const bytes = randomBytes(3000);
    const parts = world.emu.router.stats.get("upload.saveFilePart") ?? 0;
    const result = await runCli("send", ["me", "--file", file("again.bin", bytes)], { cwd: ownerDir(), env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect((world.emu.router.stats.get("upload.saveFilePart") ?? 0) - parts).toBe(2);
    const [saved] = await latest(owner.id, owner.id, 1);
    expect(saved.media).toMatchObject({ fileName: "again.bin", sha256: sha256(bytes) });
  });

  it("sends a file as a bot, with nothing secret in the output", async () => {
    const cwd = mkdtempSync(join(world.dir, "bot-"));
    await world.control.sendMessage(alice.id, { type: "user", id: bot.id }, "/start");
    const png = pngImage(64, 64, 9);
    const result = await runCli("send", ["@alice_sf", "--photo", "--file", file("receipt.png", png), "Your receipt"], {
      cwd,
      env: env({ TELEGRAM_BOT_TOKEN: bot.botToken }),
    });
    expect(result.code, result.stderr).toBe(0);
    const [received] = await latest(alice.id, bot.id, 1);
    expect(received).toMatchObject({ fromId: bot.id, text: "Your receipt", media: { kind: "photo", sha256: sha256(png) } });
    for (const secret of [bot.botToken!, API_HASH, bot.botToken!.split(":")[1]]) expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it("exits 1 with Telegram's reason when it refuses the file", async () => {
    const result = await runCli("send", ["@bobs_news_sf", "--file", file("refused.txt", Buffer.from("hello"))], { cwd: ownerDir(), env: env() });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(
      /^Telegram refused: (only the chat's admins may post there \(CHAT_ADMIN_REQUIRED\)|this account may not write in that chat \(CHAT_WRITE_FORBIDDEN\))$/,
    );
  });

  it("answers every mistake with one line and exit 2, before connecting", async () => {
    const empty = file("empty.txt", Buffer.alloc(0));
    const text = file("notes.txt", Buffer.from("not an image"));
    const huge = join(files, "huge.iso");
    writeFileSync(huge, "");
    truncateSync(huge, 4000 * 512 * 1024 + 1); // sparse: no disk space used
    const tall = file("tall.png", pngImage(10, 300));
    const missing = join(files, "missing.pdf");
    const cases: [string[], string][] = [
      [["me", "--file", missing], `no file at ${missing}: check the path`],
      [["me", "--file", files], `${files} is a folder: give a file to send`],
      [["me", "--file", empty], `${empty} is empty: Telegram does not take empty files`],
      [["me", "--file", huge], `${huge} is 2,097,152,001 bytes: Telegram takes files up to 2,097,152,000 bytes (2 GB)`],
      [["me", "--photo", "--file", text], `${text} is not a PNG or JPEG image: send it without --photo, as a file`],
      [
        ["me", "--photo", "--file", tall],
        `${tall} is 10×300 pixels: a photo's width and height may add up to 10,000 and be at most 20 times each other; send it without --photo, as a file`,
      ],
      [["me", "--photo", "hello"], "--photo sends an image given with --file: add --file PATH"],
      [["me", "--file", text, "--each-line"], "--each-line cannot be combined with --file: send the file and the lines in two commands"],
      [
        ["me", "--file", text, "**open", "--markdown"],
        "broken Markdown at line 1, column 1: ** is never closed (close it, or write \\*\\* to send it as text)",
      ],
      [["me", "--file"], "Option '--file <value>' argument missing"],
    ];
    const calls = async () => Object.values((await world.control.stats()).rpc).reduce((sum, n) => sum + n, 0);
    const before = await calls();
    const results = await Promise.all(cases.map(([args]) => runCli("send", args, { cwd: ownerDir(), env: env() })));
    for (const [index, result] of results.entries()) {
      const [args, message] = cases[index];
      expect(result.code, args.join(" ")).toBe(2);
      const lines = result.stderr.trim().split("\n");
      expect(lines[0], args.join(" ")).toBe(message);
      if (!message.startsWith("Option")) expect(lines, args.join(" ")).toHaveLength(1); // a flag error adds the usage line
      expect(result.stderr, args.join(" ")).not.toMatch(/\n\s+at /); // no stack trace
    }
    expect(await calls()).toBe(before); // nothing reached the emulator
  });
});
