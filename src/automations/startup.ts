/** automations.yaml as `npm start` and `.reload` need it: loaded, or one line naming the first problem. */
import type { Env } from "../config.js";
import { UserError } from "../errors.js";
import { automationsPath, loadAutomations } from "./load.js";
import type { Automations } from "./schema.js";

/** Loads the file of AUTOMATIONS_FILE; a problem throws a UserError of one line (exit 2). */
export function automationsAtStart(env: Env, root: string = process.cwd()): Automations {
  const result = loadAutomations(automationsPath(env, root), root);
  if (result.ok) return result.automations;
  const more = result.errors.length > 1 ? ` (and ${result.errors.length - 1} more: npm run automations -- check lists them)` : "";
  throw new UserError(`${result.errors[0]}${more}`);
}
