/** How a Live model takes a thinking setting in its session setup. */
export type ThinkingRule = "refused" | "required" | "optional";

/** What a Live model is known to accept, read off its name. */
export interface LiveModelTraits {
  /** Answers only in audio: a setup asking for TEXT is closed with 1007. */
  audioOnly: boolean;
  /** Whether the setup may, or must, carry a thinking setting. */
  thinking: ThinkingRule;
  /** Function calls run `NON_BLOCKING` by default, and their responses take `scheduling`. */
  asyncFunctions: boolean;
}

// Google's model pages (README, "Models"): the 3.8 family answers only in
// audio, refuses thinking (extended thinking requires it) and calls functions
// asynchronously; native-audio and 3.1 Flash Live answer only in audio too.
const RULES: Array<[RegExp, LiveModelTraits]> = [
  [/^gemini-3\.8-live-extended-thinking\b/, {
    audioOnly: true,
    thinking: "required",
    asyncFunctions: true,
  }],
  [/^gemini-3\.8-live\b/, { audioOnly: true, thinking: "refused", asyncFunctions: true }],
  [/native-audio|^gemini-3\.1-flash-live\b/, {
    audioOnly: true,
    thinking: "optional",
    asyncFunctions: false,
  }],
];

// A model we do not know may take TEXT (Vertex AI's half-cascade models do);
// in `auto` a refusal of TEXT teaches the connector otherwise.
const UNKNOWN: LiveModelTraits = { audioOnly: false, thinking: "optional", asyncFunctions: false };

/**
 * The traits of a Live model by its name (with or without `models/`).
 *
 * @example
 * ```ts
 * liveModelTraits("gemini-3.8-live");
 * // { audioOnly: true, thinking: "refused", asyncFunctions: true }
 * ```
 */
export function liveModelTraits(model: string): LiveModelTraits {
  const name = model.replace(/^(.*\/)?models\//, "");
  return RULES.find(([pattern]) => pattern.test(name))?.[1] ?? UNKNOWN;
}
