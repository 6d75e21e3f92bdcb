/** Helpers for tests that drive the emulator: the standalone process, GramJS as a simulated person, real images. */

export { loginWithCode, nextMessage } from "./gramjs.js";
export { jpegHead, pngImage } from "./images.js";
export { EMULATOR_CLI, type StandaloneEmulator, spawnEmulator } from "./standalone.js";
