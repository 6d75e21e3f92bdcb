import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPlugins, PluginLoadError, pluginEntries } from "../../src/handlers/registry.js";

const PLUGIN_TS = new URL("../../src/handlers/plugin.ts", import.meta.url).pathname;

/** A temporary plugins folder holding the given files. */
function pluginsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "plugins-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Source of a plugin module defining one command. */
function commandPlugin(plugin: string, commandName: string): string {
  return `import { command, definePlugin } from ${JSON.stringify(PLUGIN_TS)};\nexport default definePlugin({ name: ${JSON.stringify(plugin)}, handlers: [command(${JSON.stringify(commandName)}, () => {})] });\n`;
}

/** The PluginLoadError loading the folder raises. */
async function loadError(dir: string): Promise<PluginLoadError> {
  const error = await loadPlugins(dir).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PluginLoadError);
  return error as PluginLoadError;
}

describe("plugin registry", () => {
  it("loads the built-in plugins from src/plugins", async () => {
    const loaded = await loadPlugins();
    const files = readdirSync("src/plugins").filter((f) => f.endsWith(".ts") && !f.startsWith("_"));
    const names = loaded.map((p) => p.plugin.name);
    expect(names).toEqual(expect.arrayContaining(["help", "id", "ping", "whois"]));
    expect(names).toHaveLength(files.length);
    expect(loaded.every((p) => p.file.includes("src/plugins/"))).toBe(true);
  });

  it("adds a feature per plain file or folder with an index, skipping tests, typings and _private files", async () => {
    const dir = pluginsDir({
      "alpha.ts": commandPlugin("alpha", "a"),
      "beta/index.ts": commandPlugin("beta", "b"),
      "beta/helper.ts": "export const x = 1;\n",
      "_draft.ts": "throw new Error('not loaded');\n",
      "alpha.test.ts": "throw new Error('not loaded');\n",
      "types.d.ts": "export {};\n",
      "README.md": "docs\n",
    });
    expect(pluginEntries(dir).map((path) => path.slice(dir.length + 1))).toEqual(["alpha.ts", join("beta", "index.ts")]);
    expect((await loadPlugins(dir)).map((p) => p.plugin.name)).toEqual(["alpha", "beta"]);
  });

  it("names the file whose import fails", async () => {
    const error = await loadError(pluginsDir({ "broken.ts": "throw new Error('kaboom');\n" }));
    expect(error.message).toMatch(/^plugin .*broken\.ts: failed to load: kaboom$/);
    expect(error.file).toMatch(/broken\.ts$/);
  });

  it("names the file without a default export or with a non-plugin one", async () => {
    expect((await loadError(pluginsDir({ "none.ts": "export const x = 1;\n" }))).message).toMatch(/none\.ts: has no default export/);
    expect((await loadError(pluginsDir({ "odd.ts": "export default 42;\n" }))).message).toMatch(/odd\.ts: its default export is not a plugin/);
  });

  it("names a folder without an index", async () => {
    const error = await loadError(pluginsDir({ "empty/notes.ts": "export {};\n" }));
    expect(error.message).toMatch(/empty: a plugin folder needs an index\.ts/);
  });

  it("names both files when plugin names or commands clash", async () => {
    const names = await loadError(pluginsDir({ "a.ts": commandPlugin("same", "x"), "b.ts": commandPlugin("same", "y") }));
    expect(names.message).toMatch(/b\.ts: plugin name "same" is already used by .*a\.ts$/);
    const commands = await loadError(pluginsDir({ "a.ts": commandPlugin("one", "go"), "b.ts": commandPlugin("two", "go") }));
    expect(commands.message).toMatch(/b\.ts: command "go" is already defined by .*a\.ts$/);
  });
});
