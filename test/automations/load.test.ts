/** automations.yaml parsed and validated: each mistake is one line with file, line and key. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { automationsPath, loadAutomations, parseAutomations } from "../../src/automations/load.js";

const errorsOf = (text: string) => {
  const result = parseAutomations(text, "automations.yaml");
  if (result.ok) throw new Error("expected errors");
  return result.errors;
};

describe("parseAutomations", () => {
  it("reads every section with defaults filled in", () => {
    const result = parseAutomations(
      `forward:
  - from: "@news"
    to: [me, -1001234]
    mode: copy
    match: { regex: "/launch/i", media: [photo] }
alerts:
  - keywords: deploy
    digest: 10m
    quietHours: { from: "23:00", to: "07:00", timeZone: Europe/Berlin }
autoReply:
  text: Away
  interval: 2h
schedule:
  - cron: "0 9 * * 1-5"
    timeZone: Europe/Berlin
    to: me
    text: Stand-up
  - every: 30s
    job: digest/flush
plugins:
  digest: { limit: 5 }
`,
      "automations.yaml",
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { forward, alerts, autoReply, schedule, plugins } = result.automations;
    expect(forward[0]).toMatchObject({ from: ["@news"], to: ["me", "-1001234"], mode: "copy", edits: false, albums: true });
    expect(forward[0].match?.regex?.[0].flags).toBe("i");
    expect(alerts[0]).toMatchObject({ keywords: ["deploy"], digest: 600_000, to: "me" });
    expect(autoReply).toEqual({ text: "Away", interval: 7_200_000, mentions: false });
    expect(schedule[0]).toMatchObject({ cron: "0 9 * * 1-5", missed: "skip", to: "me" });
    expect(schedule[1]).toMatchObject({ every: 30_000, job: "digest/flush" });
    expect(plugins).toEqual({ digest: { limit: 5 } });
  });

  it("an empty file is no automations", () => {
    expect(parseAutomations("", "a.yaml")).toEqual({ ok: true, automations: { forward: [], alerts: [], schedule: [], plugins: {} } });
  });

  it("names an unknown key with its line", () => {
    expect(errorsOf("schedule:\n  - every: 5m\n    to: me\n    text: hi\n    colour: red\n")).toEqual([
      "automations.yaml:5: schedule[0].colour: unknown key (see automations.example.yaml for the keys)",
    ]);
    expect(errorsOf("alerts: []\nforwards: []\n")).toEqual([
      "automations.yaml:2: forwards: unknown key (the sections are forward, alerts, autoReply, schedule, plugins)",
    ]);
  });

  it("names a bad regex, a bad cron, a bad time zone, a missing target and a wrong type", () => {
    expect(errorsOf('alerts:\n  - regex: "(unclosed"\n')[0]).toMatch(/^automations\.yaml:2: alerts\[0\]\.regex: not a valid regular expression: /);
    expect(errorsOf('schedule:\n  - cron: "61 * * * *"\n    to: me\n    text: hi\n')[0]).toMatch(
      /^automations\.yaml:2: schedule\[0\]\.cron: "61 \* \* \* \*" is not valid/,
    );
    expect(errorsOf("schedule:\n  - every: 1m\n    timeZone: Mars/Base\n    to: me\n    text: hi\n")).toEqual([
      'automations.yaml:3: schedule[0].timeZone: "Mars/Base" is not a time zone: use an IANA name such as Europe/Berlin or UTC',
    ]);
    expect(errorsOf("schedule:\n  - every: 1m\n    text: hi\n")).toEqual(["automations.yaml:2: schedule[0].to: missing target: give to (a chat, or me)"]);
    expect(errorsOf("forward:\n  - from: '@news'\n")).toEqual(["automations.yaml:2: forward[0].to: missing"]);
    expect(errorsOf("forward:\n  - from: '@news'\n    to: me\n    edits: yes please\n")[0]).toMatch(
      /^automations\.yaml:4: forward\[0\]\.edits: Invalid input: expected boolean/,
    );
    expect(errorsOf("schedule:\n  - every: soon\n    to: me\n    text: hi\n")).toEqual([
      'automations.yaml:2: schedule[0].every: "soon" is not a duration: write e.g. 30s, 5m, 2h, 1d or 1h30m',
    ]);
    expect(errorsOf("forward:\n  - from: 'not a chat!'\n    to: me\n")[0]).toMatch(
      /^automations\.yaml:2: forward\[0\]\.from: "not a chat!" is not a chat or person/,
    );
  });

  it("asks for exactly one of cron, every and at", () => {
    expect(errorsOf("schedule:\n  - to: me\n    text: hi\n")).toEqual(
      ["automations.yaml:2: give exactly one of cron, every or at"].map((l) => l.replace("2: ", "2: schedule[0]: ")),
    );
    expect(errorsOf("schedule:\n  - every: 1m\n    at: 2030-01-01T10:00:00\n    to: me\n    text: hi\n")[0]).toBe(
      "automations.yaml:3: schedule[0].at: give exactly one of cron, every or at",
    );
  });

  it("reports YAML syntax errors with their line", () => {
    expect(errorsOf("schedule:\n  - every: 1m\n   to: me\n")[0]).toMatch(/^automations\.yaml:3: /);
    expect(errorsOf("alerts: []\nalerts: []\n")[0]).toMatch(/^automations\.yaml:2: Map keys must be unique/);
  });
});

describe("loadAutomations", () => {
  it("reads AUTOMATIONS_FILE relative to the root, a missing file being no automations", () => {
    const root = mkdtempSync(join(tmpdir(), "automations-"));
    expect(automationsPath({}, root)).toBe(join(root, "automations.yaml"));
    expect(automationsPath({ AUTOMATIONS_FILE: "conf/a.yaml" }, root)).toBe(join(root, "conf/a.yaml"));
    expect(loadAutomations(join(root, "automations.yaml"), root)).toMatchObject({ ok: true, automations: { schedule: [] } });
    writeFileSync(join(root, "automations.yaml"), "alerts:\n  - to: me\n");
    expect(loadAutomations(join(root, "automations.yaml"), root)).toEqual({
      ok: false,
      errors: ["automations.yaml:2: alerts[0]: an alert needs something to watch for: keywords, regex, mentions: true or replies: true"],
    });
  });
});

describe("automations.example.yaml", () => {
  it("is valid as shipped", () => {
    const root = join(import.meta.dirname, "../..");
    const result = loadAutomations(join(root, "automations.example.yaml"), root);
    expect(result).toMatchObject({ ok: true, automations: { schedule: [{ name: "standup" }, { name: "water" }], plugins: { ping: { reply: "pong" } } } });
  });
});
