import type { Runtime } from "./index.js";

/** What a signal stops: a runtime, or the accounts of one process together. */
export interface Stoppable {
  readonly log: Runtime["log"];
  stop(): Promise<unknown>;
}

/** Exit code after SIGINT / SIGTERM cut a start or a graceful stop short. */
export const INTERRUPTED_EXIT_CODE = 130;

/** SIGINT / SIGTERM handling of a command running the runtime. */
export interface SignalHandling {
  /** From now on a signal stops this runtime (or group of runtimes) gracefully. */
  attach(runtime: Stoppable): void;
  /** Removes the handlers. */
  dispose(): void;
}

/**
 * Installs SIGINT / SIGTERM handlers at once. Before `attach` (still connecting) a signal exits at once:
 * nothing runs yet. After it, the first signal stops the runtime gracefully and a second exits at once.
 */
export function handleSignals(exit: (code: number) => void = (code) => process.exit(code)): SignalHandling {
  let runtime: Stoppable | undefined;
  let received = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    received += 1;
    if (runtime === undefined) {
      process.stderr.write(`${signal} while starting: stopped\n`);
      exit(INTERRUPTED_EXIT_CODE);
      return;
    }
    if (received > 1) {
      runtime.log.warn({ signal }, "second signal: exiting without waiting for handlers");
      exit(INTERRUPTED_EXIT_CODE);
      return;
    }
    runtime.log.info({ signal }, "signal received: stopping gracefully (send it again to exit at once)");
    void runtime.stop();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    attach(started) {
      runtime = started;
    },
    dispose() {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
