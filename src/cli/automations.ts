/**
 * `npm run automations -- check`: validates automations.yaml (AUTOMATIONS_FILE, default automations.yaml in
 * the project root) and prints what each rule will do; every problem is one line with file, line and key,
 * and the exit code is 2 when there is any.
 */

import { describeAutomations } from "../automations/describe.js";
import { automationsPath, loadAutomations } from "../automations/load.js";
import { readEnv } from "../config.js";
import { parseCommandLine } from "./args.js";
import { fail, runMain } from "./run.js";

const USAGE = "npm run automations -- check";

runMain(async () => {
  const { positionals } = parseCommandLine(process.argv.slice(2), {}, USAGE);
  if (positionals.length !== 1 || positionals[0] !== "check") fail(`usage: ${USAGE}`);
  const path = automationsPath(readEnv());
  const result = loadAutomations(path);
  if (!result.ok) {
    process.stderr.write(`${result.errors.join("\n")}\n`);
    fail(`${result.errors.length} problem${result.errors.length === 1 ? "" : "s"} in ${path}`);
  }
  process.stdout.write(`${describeAutomations(result.automations).join("\n")}\n`);
});
