/** Helpers for tests that drive the emulator: the standalone process, GramJS as a simulated person, real images. */
export { EMULATOR_CLI, spawnEmulator, type StandaloneEmulator } from "./standalone.js";
export { loginWithCode, nextMessage } from "./gramjs.js";
export { jpegHead, pngImage } from "./images.js";
