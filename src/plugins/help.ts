import { type CommandHelp, type Context, command, definePlugin } from "../handlers/index.js";

/** One help line: "<prefix>name usage — description". */
function line(prefix: string, help: CommandHelp): string {
  const usage = help.usage === undefined ? "" : ` ${help.usage}`;
  const description = help.description === "" ? "" : ` — ${help.description}`;
  return `${prefix}${help.name}${usage}${description}`;
}

/** Answers with every command, or the details of the one named in the first argument. */
async function help(ctx: Context): Promise<void> {
  const wanted = ctx.args[0]?.replace(/^[./!]/, "").toLowerCase();
  if (wanted === undefined) {
    const sorted = [...ctx.commands].sort((a, b) => a.name.localeCompare(b.name));
    await ctx.answer(["Commands:", ...sorted.map((help) => line(ctx.prefix, help))].join("\n"));
    return;
  }
  const found = ctx.commands.find((help) => help.name === wanted || help.aliases.includes(wanted));
  if (found === undefined) {
    await ctx.answer(`Unknown command "${wanted}". Send ${ctx.prefix}help for the list.`);
    return;
  }
  const aliases = found.aliases.length === 0 ? [] : [`Aliases: ${found.aliases.map((alias) => ctx.prefix + alias).join(", ")}`];
  await ctx.answer([line(ctx.prefix, found), ...aliases, `Plugin: ${found.plugin}`].join("\n"));
}

export default definePlugin({
  name: "help",
  description: "Lists the commands",
  handlers: [command({ name: "help", description: "list commands, or describe one", usage: "[command]" }, help)],
});
