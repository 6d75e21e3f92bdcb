/**
 * The figures of one snapshot (SnapshotStore.totals): people by role, bots, deleted accounts, scam and
 * fake flags, premium, no username, last-seen buckets.
 */
import type { LastSeen, MemberRole } from "./types.js";

/** Totals over the people in the chat (every role but kicked); `byRole` also counts the kicked. */
export interface Totals {
  members: number;
  byRole: Record<MemberRole, number>;
  bots: number;
  deleted: number;
  scam: number;
  fake: number;
  premium: number;
  verified: number;
  /** People (not bots, not deleted accounts) without a username. */
  withoutUsername: number;
  lastSeen: Record<LastSeen, number>;
}
