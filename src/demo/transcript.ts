/** The demo's transcript lines: who said what where, and what came back. Pure formatting. */

const INDENT = "      ";

/** A section title, after a blank line. */
export function heading(title: string): string[] {
  return ["", `== ${title} ==`];
}

/** "[Book Club] Alice: /ping" — a message someone sent. */
export function said(chat: string, who: string, text: string): string {
  return `[${chat}] ${who}: ${indentRest(text)}`;
}

/** How a message was answered. */
export type Outcome = { readonly kind: "edited" | "replied"; readonly text: string; readonly by?: string } | { readonly kind: "nothing"; readonly why: string };

/** The line(s) under a message saying what came back. */
export function outcome(result: Outcome): string {
  if (result.kind === "nothing") return `  ↳ no answer: ${result.why}`;
  const how = result.kind === "edited" ? "edited into" : `${result.by ?? "the bot"} replied`;
  return `  ↳ ${how}: ${indentRest(result.text)}`;
}

/** A remark of the narrator, indented. */
export function note(text: string): string {
  return `  ${text}`;
}

function indentRest(text: string): string {
  return text.split("\n").join(`\n${INDENT}`);
}
