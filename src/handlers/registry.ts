import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { UserError } from "../errors.js";
import { isPlugin, type Plugin } from "./plugin.js";

/** The folder whose modules are the features: src/plugins/. */
export const PLUGINS_DIR = fileURLToPath(new URL("../plugins/", import.meta.url));

/** A plugin module that failed to load or is invalid; the message names the file and the fix. */
export class PluginLoadError extends UserError {
  /** Creates the error for a file (shown relative to the working directory). */
  constructor(
    readonly file: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`plugin ${relative(process.cwd(), file) || file}: ${problem}`, undefined, options);
  }
}

/** A plugin with the file it came from. */
export interface LoadedPlugin {
  readonly plugin: Plugin;
  readonly file: string;
}

const MODULE = /\.(ts|js|mjs)$/;
const NOT_MODULE = /(\.d\.ts|\.test\.[a-z]+|\.spec\.[a-z]+)$/;
const INDEX_NAMES = ["index.ts", "index.js", "index.mjs"];

/** Module paths to load from a plugins folder, sorted: plain files and folders with an index; "_" or "." names skipped. */
export function pluginEntries(dir: string): string[] {
  const entries: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith("_") || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      const index = INDEX_NAMES.map((file) => join(path, file)).find((file) => existsSync(file));
      if (index === undefined) throw new PluginLoadError(path, "a plugin folder needs an index.ts that default-exports definePlugin(...)");
      entries.push(index);
    } else if (MODULE.test(name) && !NOT_MODULE.test(name)) {
      entries.push(path);
    }
  }
  return entries;
}

/** Imports every plugin module of the folder and checks it: a default-exported plugin, unique names and commands. */
export async function loadPlugins(dir: string = PLUGINS_DIR): Promise<LoadedPlugin[]> {
  const loaded: LoadedPlugin[] = [];
  for (const file of pluginEntries(dir)) loaded.push({ plugin: await importPlugin(file), file });
  checkUnique(loaded);
  return loaded;
}

async function importPlugin(file: string): Promise<Plugin> {
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PluginLoadError(file, `failed to load: ${reason}`, { cause: error });
  }
  if (module.default === undefined) throw new PluginLoadError(file, "has no default export; end it with `export default definePlugin({ ... })`");
  if (!isPlugin(module.default)) throw new PluginLoadError(file, "its default export is not a plugin; build it with definePlugin({ name, handlers })");
  return module.default;
}

function checkUnique(loaded: readonly LoadedPlugin[]): void {
  const pluginFiles = new Map<string, string>();
  const commandFiles = new Map<string, string>();
  for (const { plugin, file } of loaded) {
    const other = pluginFiles.get(plugin.name);
    if (other !== undefined) throw new PluginLoadError(file, `plugin name "${plugin.name}" is already used by ${relative(process.cwd(), other)}`);
    pluginFiles.set(plugin.name, file);
    for (const handler of plugin.handlers) {
      if (handler.kind !== "command") continue;
      for (const name of [handler.command, ...handler.aliases]) {
        const owner = commandFiles.get(name);
        if (owner !== undefined) throw new PluginLoadError(file, `command "${name}" is already defined by ${relative(process.cwd(), owner)}`);
        commandFiles.set(name, file);
      }
    }
  }
}
