import assert from "node:assert/strict";
import { ConversationRecorder } from "./conversation_recorder.ts";
import type { TurnBatch } from "./history_store.ts";

function recorder() {
  const batches: TurnBatch[] = [];
  let now = 1000;
  const r = new ConversationRecorder("browser:x", "s1", (b) => batches.push(b), () => now++);
  return { r, batches };
}

Deno.test("a typed question and its streamed answer become one batch of two turns, with sources and tools", () => {
  const { r, batches } = recorder();
  r.userText("What is Deno?");
  r.agentEvent({
    type: "tool",
    id: "t1",
    name: "convert_units",
    args: { v: 1 },
    status: "running",
  });
  r.agentEvent({
    type: "tool",
    id: "t1",
    name: "convert_units",
    args: { v: 1 },
    status: "done",
    result: 2,
  });
  r.agentEvent({ type: "text", text: "A " });
  r.agentEvent({ type: "audio", data: "AAAA" });
  r.agentEvent({ type: "text", text: "runtime." });
  r.agentEvent({ type: "sources", sources: [{ title: "deno.com", uri: "https://deno.com" }] });
  assert.equal(batches.length, 0, "nothing is written before the turn ends");
  r.agentEvent({ type: "turn_complete" });
  assert.deepEqual(batches, [{
    owner: "browser:x",
    conversationId: "s1",
    turns: [
      { role: "user", text: "What is Deno?", at: 1000 },
      {
        role: "model",
        text: "A runtime.",
        at: 1001,
        sources: [{ title: "deno.com", uri: "https://deno.com" }],
        tools: [{ name: "convert_units", args: { v: 1 }, status: "done", result: 2 }],
      },
    ],
  }]);
});

Deno.test("speech is kept as its final transcripts, the answer's as the model's transcript", () => {
  const { r, batches } = recorder();
  r.agentEvent({ type: "transcript", role: "user", text: "Hel", final: false });
  r.agentEvent({ type: "transcript", role: "user", text: "Hello there", final: true });
  r.agentEvent({ type: "transcript", role: "model", text: "Hi", final: false });
  r.agentEvent({ type: "transcript", role: "model", text: "Hi, how can I help?", final: false });
  r.agentEvent({ type: "interrupted" });
  r.agentEvent({ type: "turn_complete" });
  assert.deepEqual(batches.map((b) => b.turns.map((t) => [t.role, t.text])), [[
    ["user", "Hello there"],
    ["model", "Hi, how can I help?"],
  ]]);
});

Deno.test("a question left unanswered is written when the session closes, and nothing after", () => {
  const { r, batches } = recorder();
  r.userText("Anyone there?");
  r.close();
  r.userText("Too late");
  r.close();
  assert.deepEqual(batches.map((b) => b.turns.map((t) => t.text)), [["Anyone there?"]]);
});
