/** TL longs (GramJS's big-integer values) to and from JavaScript numbers and bigints. */
import { returnBigInt } from "telegram/Helpers.js";

/** GramJS's TL `long` (a big-integer BigInteger). */
export type Long = ReturnType<typeof returnBigInt>;

/** A TL long from a JavaScript number or bigint. */
export function toLong(value: number | bigint): Long {
  return returnBigInt(value);
}

/** A JavaScript number from a TL long (ids stay below 2^53). */
export function fromLong(value: Long | number | bigint | string): number {
  return typeof value === "number" ? value : Number(value.toString());
}

/** A bigint from a TL long (access hashes use all 64 bits). */
export function bigintOf(value: Long | number | bigint | string): bigint {
  return typeof value === "bigint" ? value : BigInt(value.toString());
}
