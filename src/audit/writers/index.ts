/** The report writer for a format. */
import type { TextOutput } from "../output.js";
import { csvWriter } from "./csv.js";
import { jsonWriter } from "./json.js";
import { tableWriter } from "./table.js";
import type { Format, ReportWriter } from "./writer.js";

export { type AuditFailure, FORMATS, type Format, type ReportWriter } from "./writer.js";

/** A writer of `format` onto `out`. */
export function createWriter(format: Format, out: TextOutput): ReportWriter {
  switch (format) {
    case "table":
      return tableWriter(out);
    case "csv":
      return csvWriter(out);
    case "json":
      return jsonWriter(out);
  }
}
