import type { GoogleGenAI } from "@google/genai";
import { DEFAULT_MODEL } from "./agent_definition.ts";
import { withTimeout } from "./with_timeout.ts";

/** A model the deployment is configured with, and the setting that names it. */
export interface ConfiguredModel {
  /** `GEMINI_MODEL` or `GEMINI_AUDIO_MODEL`. */
  setting: string;
  model: string;
}

/**
 * Lists the Live models a client's key can use (`bidiGenerateContent` among a
 * model's supported actions), by name without `models/`.
 *
 * @throws {Error} when listing fails or takes longer than `timeoutMs`.
 *
 * @example
 * ```ts
 * import { GoogleGenAI } from "@google/genai";
 * const models = await listLiveModels(new GoogleGenAI({ apiKey: "…" }), 5_000);
 * // ["gemini-3.8-live", "gemini-3.8-live-extended-thinking", …]
 * ```
 */
export function listLiveModels(
  ai: Pick<GoogleGenAI, "models">,
  timeoutMs: number,
): Promise<string[]> {
  const abort = new AbortController();
  const listing = (async () => {
    const names: string[] = [];
    const pager = await ai.models.list({ config: { pageSize: 1000, abortSignal: abort.signal } });
    for await (const model of pager) {
      if (model.name && model.supportedActions?.includes("bidiGenerateContent")) {
        names.push(model.name.replace(/^models\//, ""));
      }
    }
    return names;
  })();
  return withTimeout(listing, timeoutMs).finally(() => abort.abort());
}

/**
 * Says what is wrong, and what to set instead, when a configured model is not
 * among the Live models a key can use (`available`, or unknown when `null`).
 *
 * @example
 * ```ts
 * unusableModelMessage(
 *   { setting: "GEMINI_MODEL", model: "gemini-live-2.5-flash-preview" },
 *   ["gemini-3.8-live"],
 * );
 * // "GEMINI_MODEL is `gemini-live-2.5-flash-preview`, which is not a Live model this key can use …"
 * ```
 */
export function unusableModelMessage(
  { setting, model }: ConfiguredModel,
  available: readonly string[] | null,
): string {
  const head = `${setting} is \`${model}\`, which is not a Live model this key can use`;
  if (available && available.length === 0) {
    return `${head}, and the key can use none: check that the Gemini API is enabled for it.`;
  }
  const suggestion = available === null || available.includes(DEFAULT_MODEL)
    ? DEFAULT_MODEL
    : available[0];
  const others = available
    ? ` (it can use: ${available.join(", ")})`
    : " (`deno task models` lists the ones it can)";
  return `${head}${others}. Set ${setting}=${suggestion} in .env and restart the server.`;
}

/**
 * The first configured model that is not in `available`, as a message; none
 * when every one is there.
 *
 * @example
 * ```ts
 * modelProblem([{ setting: "GEMINI_MODEL", model: "gemini-3.8-live" }], ["gemini-3.8-live"]);
 * // undefined
 * ```
 */
export function modelProblem(
  configured: readonly ConfiguredModel[],
  available: readonly string[],
): string | undefined {
  const missing = configured.find(({ model }) => !available.includes(model));
  return missing && unusableModelMessage(missing, available);
}
