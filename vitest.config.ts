import { defineConfig } from "vitest/config";

// End-to-end tests start emulators and GramJS clients over TCP: give them room, run files in
// separate processes, and let CI collect a JSON report for its "N passed, N failed" line.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "packages/*/test/**/*.test.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: ".ci/vitest-report.json" },
  },
});
