import assert from "node:assert/strict";
import { currentTimeTool } from "./current_time_tool.ts";

const signal = new AbortController().signal;
const tool = currentTimeTool(() => new Date("2025-05-01T12:34:56Z"));

Deno.test("current_time gives the local time, weekday and offset in the time zone", async () => {
  assert.deepEqual(await tool.handler({ time_zone: "Europe/Paris" }, { signal }), {
    time_zone: "Europe/Paris",
    local_time: "2025-05-01T14:34:56+02:00",
    weekday: "Thursday",
    utc_offset: "+02:00",
  });
  assert.deepEqual(await tool.handler({ time_zone: "America/Los_Angeles" }, { signal }), {
    time_zone: "America/Los_Angeles",
    local_time: "2025-05-01T05:34:56-07:00",
    weekday: "Thursday",
    utc_offset: "-07:00",
  });
});

Deno.test("current_time defaults to UTC", async () => {
  const args = tool.parameters.parse({});
  assert.deepEqual(await tool.handler(args, { signal }), {
    time_zone: "UTC",
    local_time: "2025-05-01T12:34:56+00:00",
    weekday: "Thursday",
    utc_offset: "+00:00",
  });
});

Deno.test("an unknown time zone is an error saying what to use", () => {
  assert.throws(
    () => tool.handler({ time_zone: "Mars/Olympus" }, { signal }),
    /Unknown time zone "Mars\/Olympus"; use an IANA name such as Europe\/Paris/,
  );
});
