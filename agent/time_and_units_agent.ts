import { type AgentDefinition, type AgentSettings, configureAgent } from "./agent_definition.ts";
import { convertUnitsTool } from "./tools/convert_units_tool.ts";
import { currentTimeTool } from "./tools/current_time_tool.ts";

/** The example agent's instruction. */
export const TIME_AND_UNITS_INSTRUCTION =
  "Answer the question using the Google Search tool. For the current date or time anywhere, " +
  "call current_time; to convert lengths, masses or temperatures, call convert_units.";

/**
 * An example agent with function tools of our own next to Google Search: the
 * current time in any time zone and a unit converter, both offline. Choose it
 * with `AGENT=time_and_units_agent`; copy it to build your own.
 *
 * @example
 * ```ts
 * const agent = timeAndUnitsAgent();
 * agent.functionTools?.map((tool) => tool.name); // ["current_time", "convert_units"]
 * ```
 */
export function timeAndUnitsAgent(settings: AgentSettings = {}): AgentDefinition {
  return configureAgent({
    name: "time_and_units_agent",
    description: "Agent that searches Google, tells the time anywhere and converts units.",
    instruction: TIME_AND_UNITS_INSTRUCTION,
    tools: [{ googleSearch: {} }],
    functionTools: [currentTimeTool(), convertUnitsTool],
  }, settings);
}
