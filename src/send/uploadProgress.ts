/**
 * What `npm run send --file` shows while a file uploads: a bar on stderr when stderr is a terminal, and
 * nothing otherwise (scripts, pipes and cron get only the result line).
 */
import cliProgress from "cli-progress";
import { type FileToSend, formatSize } from "./fileInput.js";

/** Receives an upload's progress. */
export interface UploadProgress {
  start(file: FileToSend): void;
  /** Bytes uploaded so far. */
  update(bytes: number): void;
  /** The upload ended (sent or failed): stop drawing. */
  stop(): void;
}

/** Shows nothing. */
export const silentUploadProgress: UploadProgress = { start() {}, update() {}, stop() {} };

/** A bar redrawn in place: name, bar, percentage, bytes uploaded of the size. */
export function terminalUploadProgress(stream: NodeJS.WriteStream = process.stderr): UploadProgress {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: "{name} [{bar}] {percentage}% | {done} of {size}",
      hideCursor: true,
      barsize: 30,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let active = false;
  let size = "";
  return {
    start(file) {
      size = formatSize(file.size);
      bar.start(file.size, 0, { name: file.name, done: formatSize(0), size });
      active = true;
    },
    update(bytes) {
      if (active) bar.update(bytes, { done: formatSize(bytes), size });
    },
    stop() {
      if (active) bar.stop();
      active = false;
    },
  };
}

/** The bar on a terminal, nothing otherwise. */
export function uploadProgressFor(stream: NodeJS.WriteStream = process.stderr): UploadProgress {
  return stream.isTTY === true ? terminalUploadProgress(stream) : silentUploadProgress;
}
