/**
 * `deno task models`: prints the Live models the configured key can use, one
 * a line, and marks the ones this deployment is set to use.
 *
 * @module
 */
import { agentConfig } from "./agent/agent_config.ts";
import { MISSING_CREDENTIALS_MESSAGE } from "./agent/gemini_credentials.ts";
import { GeminiLiveConnector } from "./agent/gemini_live_connector.ts";
import { liveModelTraits } from "./agent/live_model_traits.ts";
import { loadEnvironment } from "./main.ts";

const options = agentConfig(await loadEnvironment());
if (!options.credentials) {
  console.error(MISSING_CREDENTIALS_MESSAGE);
  Deno.exit(1);
}
if (options.credentials.kind !== "api_key") {
  console.error(
    "Vertex AI's model list does not say which models are Live models: see the README.",
  );
  Deno.exit(1);
}
const connector = new GeminiLiveConnector({ ...options, log: console });
const models = await connector.checkModels();
if (!models) Deno.exit(1);
const { model, audioModel } = options.agent;
console.log(`Live models this key can use (${models.length}):`);
for (const name of models) {
  const uses = [name === model && "GEMINI_MODEL", name === audioModel && "GEMINI_AUDIO_MODEL"]
    .filter(Boolean).join(", ");
  const answers = liveModelTraits(name).audioOnly ? "answers in audio" : "may answer in TEXT";
  console.log(`  ${name.padEnd(48)} ${answers}${uses ? `  ← ${uses}` : ""}`);
}
if (connector.problem) Deno.exit(2);
