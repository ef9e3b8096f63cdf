/**
 * How the Live models Google serves behave, for the fake Live server: which
 * setups and inputs each refuses, with the close code and reason Gemini gives,
 * and how each shapes its answers. Written from Google's model pages and the
 * Live API guide (December 2026), and the refusals others reported where
 * Google documents none; independently of the service's own
 * `agent/live_model_traits.ts`, so a service that misreads a model fails here.
 *
 * @module
 */

/** One model's behaviour. */
export interface FakeModelProfile {
  /** Closes a setup asking for TEXT answers with 1007 and this reason; TEXT is fine without. */
  refusesText?: string;
  /** `refused`: a thinking setting closes the setup; `required`: its absence does. */
  thinking: "refused" | "required" | "optional";
  /** Sends `interactionStatus` with every `turnComplete`. */
  interactionStatus: boolean;
  /** Refuses function declarations that do not say `behavior: NON_BLOCKING`. */
  asyncToolsOnly?: boolean;
  /** Shown in the model list. */
  displayName: string;
}

// What 2.5 native-audio models said to a TEXT setup (reported in ADK and others).
const NATIVE_AUDIO_REFUSAL = "Cannot extract voices from a non-audio request.";

// What 3.x models say to a TEXT setup (reported for 3.1 Flash Live in September 2026).
function modalityRefusal(model: string): string {
  return "The requested combination of response modalities (TEXT) is not supported by the " +
    `model. models/${model}`;
}

/** The Live models of the Gemini API today (December 2026). */
export const CURRENT_MODELS: Readonly<Record<string, FakeModelProfile>> = {
  "gemini-3.8-live": {
    refusesText: modalityRefusal("gemini-3.8-live"),
    thinking: "refused",
    interactionStatus: true,
    displayName: "Gemini 3.8 Live",
  },
  "gemini-3.8-live-extended-thinking": {
    refusesText: modalityRefusal("gemini-3.8-live-extended-thinking"),
    thinking: "required",
    interactionStatus: true,
    asyncToolsOnly: true,
    displayName: "Gemini 3.8 Live Extended Thinking",
  },
  "gemini-2.5-flash-native-audio-latest": {
    refusesText: NATIVE_AUDIO_REFUSAL,
    thinking: "optional",
    interactionStatus: false,
    displayName: "Gemini 2.5 Flash Native Audio Latest",
  },
  "gemini-2.5-flash-native-audio-preview-12-2025": {
    refusesText: NATIVE_AUDIO_REFUSAL,
    thinking: "optional",
    interactionStatus: false,
    displayName: "Gemini 2.5 Flash Native Audio Preview 12-2025",
  },
  "gemini-3.1-flash-live-preview": {
    refusesText: modalityRefusal("gemini-3.1-flash-live-preview"),
    thinking: "optional",
    interactionStatus: false,
    displayName: "Gemini 3.1 Flash Live Preview",
  },
};

/**
 * A Live model that still answers in TEXT, as Vertex AI's half-cascade
 * models do; the fake serves it only when a test asks for the legacy path.
 */
export const LEGACY_TEXT_MODEL = "gemini-live-2.5-flash";

/** {@link CURRENT_MODELS} and the TEXT-capable {@link LEGACY_TEXT_MODEL}. */
export const LEGACY_MODELS: Readonly<Record<string, FakeModelProfile>> = {
  ...CURRENT_MODELS,
  [LEGACY_TEXT_MODEL]: {
    thinking: "optional",
    interactionStatus: false,
    displayName: "Gemini Live 2.5 Flash (half-cascade)",
  },
};

/** Models the list shows that are not Live models (no `bidiGenerateContent`). */
export const OTHER_MODELS: readonly string[] = ["gemini-3.5-flash", "gemini-embedding-001"];

/**
 * Why Gemini closes a setup for `model`, or nothing when it accepts it. The
 * reasons are Gemini's own words, cut to a close frame's 123 bytes.
 */
export function setupRefusal(
  // deno-lint-ignore no-explicit-any
  setup: Record<string, any>,
  models: Readonly<Record<string, FakeModelProfile>>,
  apiVersion: string,
): { code: number; reason: string } | undefined {
  const name = typeof setup.model === "string" ? setup.model.replace(/^models\//, "") : "";
  const profile = Object.hasOwn(models, name) ? models[name] : undefined;
  if (!setup.model?.startsWith?.("models/") || !profile) {
    return {
      code: 1008,
      reason: `models/${name} is not found for API version ${apiVersion}, or is not supported ` +
        "for bidiGenerateContent. Call ModelService.ListModels to see the list of available " +
        "models and their supported methods.",
    };
  }
  const generation = setup.generationConfig ?? {};
  const modalities: string[] = generation.responseModalities ?? ["AUDIO"];
  if (profile.refusesText && modalities.includes("TEXT")) {
    return { code: 1007, reason: profile.refusesText };
  }
  // Google documents no reason for these; an invalid argument is what it says to most.
  const thinking = generation.thinkingConfig;
  if (
    (profile.thinking === "refused" && thinking) ||
    (profile.thinking === "required" && !thinking?.thinkingLevel) ||
    thinking?.thinkingLevel === "MINIMAL" && profile.thinking === "required"
  ) {
    return { code: 1007, reason: "Request contains an invalid argument." };
  }
  if (profile.asyncToolsOnly) {
    // deno-lint-ignore no-explicit-any
    const declarations = (setup.tools ?? []).flatMap((tool: any) =>
      tool.functionDeclarations ?? []
    );
    // deno-lint-ignore no-explicit-any
    if (declarations.some((d: any) => d.behavior !== "NON_BLOCKING")) {
      return { code: 1007, reason: "Request contains an invalid argument." };
    }
  }
}
