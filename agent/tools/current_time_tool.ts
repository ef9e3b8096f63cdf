import { z } from "zod";
import { type FunctionTool, functionTool } from "../function_tool.ts";

const Parameters = z.object({
  time_zone: z.string().default("UTC").describe(
    "IANA time zone name, e.g. Europe/Paris or America/New_York; UTC when not given.",
  ),
});

/**
 * A tool that tells the current date and time in an IANA time zone, offline
 * (from `Intl`), since the model does not know what time it is.
 *
 * @param now the clock; injected so tests can fix the time.
 *
 * @example
 * ```ts
 * const tool = currentTimeTool(() => new Date("2025-05-01T12:00:00Z"));
 * await tool.handler({ time_zone: "Europe/Paris" }, { signal: new AbortController().signal });
 * // { time_zone: "Europe/Paris", local_time: "2025-05-01T14:00:00+02:00", weekday: "Thursday", utc_offset: "+02:00" }
 * ```
 */
export function currentTimeTool(
  now: () => Date = () => new Date(),
): FunctionTool<typeof Parameters> {
  return functionTool({
    name: "current_time",
    description: "Gives the current local date, time, weekday and UTC offset in a time zone.",
    parameters: Parameters,
    handler: ({ time_zone }) => {
      let format: Intl.DateTimeFormat;
      try {
        format = new Intl.DateTimeFormat("en-US", {
          timeZone: time_zone,
          year: "numeric",
          month: "2-digit",
          day: "2-digit",
          hour: "2-digit",
          minute: "2-digit",
          second: "2-digit",
          hourCycle: "h23",
          weekday: "long",
          timeZoneName: "longOffset",
        });
      } catch {
        throw new RangeError(
          `Unknown time zone ${JSON.stringify(time_zone)}; use an IANA name such as Europe/Paris`,
        );
      }
      const part: Record<string, string> = {};
      for (const { type, value } of format.formatToParts(now())) part[type] = value;
      // "GMT+02:00", or plain "GMT" at offset zero.
      const offset = part.timeZoneName.slice(3) || "+00:00";
      return {
        time_zone: format.resolvedOptions().timeZone,
        local_time:
          `${part.year}-${part.month}-${part.day}T${part.hour}:${part.minute}:${part.second}${offset}`,
        weekday: part.weekday,
        utc_offset: offset,
      };
    },
  });
}
