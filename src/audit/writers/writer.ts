/** What every report format implements: one chat at a time, failures, and the end of the output. */
import type { AuditResult } from "../report.js";

/** A chat that could not be audited, as the output reports it. */
export interface AuditFailure {
  /** What was asked for, as typed. */
  chat: string;
  /** AuditError's problem, or "error" for other failures. */
  problem: string;
  message: string;
}

/** Writes audits in one format. */
export interface ReportWriter {
  /** Writes one chat's audit. */
  chat(result: AuditResult): Promise<void>;
  /** Writes a chat that could not be audited. */
  failure(failure: AuditFailure): Promise<void>;
  /** Finishes the output (closing brackets, final newline); `interrupted` when Ctrl-C cut the run short. */
  end(interrupted: boolean): Promise<void>;
}

/** Report formats. */
export const FORMATS = ["table", "csv", "json"] as const;
export type Format = (typeof FORMATS)[number];
