/**
 * An example of a multi-step conversation: `register` asks a person's name and age, checks the answers,
 * and confirms. The flow is saved after every answer, so a restart in the middle resumes it; /cancel
 * stops it; ten minutes without an answer end it. In user mode only the account itself may start it.
 */
import { defineFlow, done, invalid, next } from "../conversations/flow.js";
import { type Context, command, definePlugin } from "../handlers/index.js";

/** What the flow collects. */
interface Registration {
  readonly name: string;
  readonly age: number;
}

/** Longest name accepted. */
const MAX_NAME = 64;

/** The registration flow: name, then age, then a thank-you. */
export const registration = defineFlow<Registration, "name" | "age">({
  name: "register",
  first: "name",
  initial: { name: "", age: 0 },
  steps: {
    name: {
      question: "What's your name? (send /cancel to stop)",
      answer: (text, data) => {
        const name = text.trim();
        if (name === "" || name.length > MAX_NAME) return invalid(`Please send your name as text, at most ${MAX_NAME} characters.`);
        return next("age", { ...data, name });
      },
    },
    age: {
      question: (data) => `Nice to meet you, ${data.name}! How old are you?`,
      answer: (text, data) => {
        const age = /^\d{1,3}$/.test(text.trim()) ? Number(text.trim()) : NaN;
        if (!(age >= 1 && age <= 150)) return invalid("Please send your age as a number, e.g. 30.");
        return done({ ...data, age });
      },
    },
  },
  finish: async (data, ctx) => {
    await ctx.respond(`Registered: ${data.name}, ${data.age}. Thank you!`);
  },
});

async function register(ctx: Context): Promise<void> {
  await ctx.startFlow(registration);
}

export default definePlugin({
  name: "register",
  description: "An example conversation: asks your name and age",
  handlers: [command({ name: "register", description: "register with your name and age (an example conversation)" }, register)],
  flows: [registration],
});
