/**
 * Import rules (dependency-cruiser), checked by `npm run lint:imports` and by the test suite
 * (test/structure.test.ts). The data flow of DESIGN.md, lowest layer first: a module may import its own
 * layer and the layers before it, never one after it; no module cycle in the product or the emulator
 * (type-only imports count); nothing imports cli/; the product imports the emulator only in the demo;
 * the emulator imports nothing of the product.
 */
const LAYERS = [
  ["ground", "^src/(errors|log|config)\\.ts$|^src/store/"],
  ["handlers", "^src/handlers/"],
  ["updates", "^src/updates/"],
  ["telegram", "^src/telegram/"],
  ["runtime", "^src/runtime/"],
  ["send", "^src/send/"],
  ["confirm", "^src/confirm/"],
  ["conversations", "^src/conversations/"],
  ["access", "^src/access/"],
  ["audit", "^src/audit/"],
  ["automations", "^src/automations/"],
  ["bridge", "^src/bridge/"],
  ["plugins", "^src/plugins/"],
  ["metrics", "^src/metrics/"],
  ["app", "^src/app/"],
  ["demo", "^src/demo/"],
  ["cli", "^src/cli/"],
];

const layerRules = LAYERS.slice(0, -1).map(([name, path], index) => ({
  name: `${name}-imports-only-lower-layers`,
  comment: `${name} sits below ${LAYERS.slice(index + 1)
    .map(([above]) => above)
    .join(", ")} in the data flow (DESIGN.md): it must not import them. Move the definition to the right room.`,
  severity: "error",
  from: { path },
  to: {
    path: LAYERS.slice(index + 1)
      .map(([, above]) => `(${above})`)
      .join("|"),
  },
}));

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "A cycle means a definition is in the wrong room: move it, don't import around it.",
      severity: "error",
      from: { path: "^(src|packages/emulator/src)/" },
      to: { circular: true },
    },
    ...layerRules,
    {
      name: "gramjs-internals-in-one-place",
      comment: "GramJS's internals (its sender, request states, TL core, RSA key table) are reached only from src/telegram/internals.ts.",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/telegram/internals\\.ts$" },
      to: { path: "node_modules/telegram/(crypto/RSA|network/RequestState|network/MTProtoSender|tl/core)" },
    },
    {
      name: "product-not-on-emulator",
      comment: "Only the demo runs the emulator; the product talks to Telegram (or the emulator) over MTProto.",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/demo/" },
      to: { path: "^packages/emulator/" },
    },
    {
      name: "emulator-stands-alone",
      comment: "packages/emulator depends on telegram only; it must not import the product or its tests.",
      severity: "error",
      from: { path: "^packages/emulator/" },
      to: { path: "^(src|test|bench)/" },
    },
    {
      name: "every-folder-in-a-layer",
      comment: "A new folder of src/ needs its place in LAYERS of .dependency-cruiser.cjs.",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^src/", pathNot: LAYERS.map(([, path]) => `(${path})`).join("|") },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    combinedDependencies: true,
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
  },
};
