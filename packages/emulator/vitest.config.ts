import { defineConfig } from "vitest/config";

// The emulator's own suite (`npm test -w @tg-toolkit/emulator`); the root suite runs these files too.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
