/**
 * `npm run demo`: the whole toolkit on an in-process emulator, no account or network needed. Prints a
 * transcript on stdout and exits 0 when done (a few seconds).
 */
import { runDemo } from "../demo/script.js";
import { runMain } from "./run.js";

runMain(async () => {
  await runDemo((...lines) => {
    for (const line of lines) process.stdout.write(`${line}\n`);
  });
});
