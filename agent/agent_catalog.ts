import { type AgentDefinition, type AgentSettings, googleSearchAgent } from "./agent_definition.ts";
import { timeAndUnitsAgent } from "./time_and_units_agent.ts";

/** Builds an agent from the settings read from the environment. */
export type AgentFactory = (settings: AgentSettings) => AgentDefinition;

/** Agents by name, as `AGENT=<name>` chooses them. */
export type AgentCatalog = Readonly<Record<string, AgentFactory>>;

/** The agent used when `AGENT` is not set. */
export const DEFAULT_AGENT = "google_search_agent";

/**
 * The agents this service ships. Add yours here to make it selectable.
 *
 * @example
 * ```ts
 * AGENTS.time_and_units_agent({}).name; // "time_and_units_agent"
 * ```
 */
export const AGENTS: AgentCatalog = {
  google_search_agent: googleSearchAgent,
  time_and_units_agent: timeAndUnitsAgent,
};
