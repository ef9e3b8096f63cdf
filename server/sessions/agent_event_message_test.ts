import assert from "node:assert/strict";
import { agentEventMessage, errorMessage, opusAudioMessage } from "./agent_event_message.ts";

Deno.test("text is an unnamed text/plain event like the reference sample", () => {
  assert.deepEqual(agentEventMessage({ type: "text", text: 'Hi "there"' }), {
    data: '{"mime_type":"text/plain","data":"Hi \\"there\\""}',
  });
});

Deno.test("audio is an unnamed audio/pcm event with the base64 unchanged", () => {
  assert.deepEqual(agentEventMessage({ type: "audio", data: "AAECAw==" }), {
    data: '{"mime_type":"audio/pcm","data":"AAECAw=="}',
  });
});

Deno.test("turn_complete is an unnamed event with turn_complete and interrupted", () => {
  assert.deepEqual(agentEventMessage({ type: "turn_complete" }), {
    data: '{"turn_complete":true,"interrupted":false}',
  });
});

Deno.test("interrupted is an unnamed event with interrupted true", () => {
  assert.deepEqual(agentEventMessage({ type: "interrupted" }), {
    data: '{"interrupted":true}',
  });
});

Deno.test("a transcript is a named transcript event with role, text and final", () => {
  assert.deepEqual(
    agentEventMessage({
      type: "transcript",
      role: "user",
      text: "Hello",
      final: false,
    }),
    {
      event: "transcript",
      data: '{"role":"user","text":"Hello","final":false}',
    },
  );
  assert.deepEqual(
    agentEventMessage({
      type: "transcript",
      role: "model",
      text: "Hi",
      final: true,
    }),
    { event: "transcript", data: '{"role":"model","text":"Hi","final":true}' },
  );
});

Deno.test("sources are a named sources event listing title, uri and domain", () => {
  assert.deepEqual(
    agentEventMessage({
      type: "sources",
      sources: [
        { title: "A", uri: "https://a.example/", domain: "a.example" },
        { title: "B", uri: "https://b.example/" },
      ],
    }),
    {
      event: "sources",
      data: '{"sources":[{"title":"A","uri":"https://a.example/","domain":"a.example"},' +
        '{"title":"B","uri":"https://b.example/"}]}',
    },
  );
});

Deno.test("usage is a named usage event with snake_case token counts", () => {
  assert.deepEqual(
    agentEventMessage({
      type: "usage",
      usage: { promptTokens: 1, responseTokens: 2, totalTokens: 3 },
    }),
    {
      event: "usage",
      data: '{"prompt_tokens":1,"response_tokens":2,"total_tokens":3}',
    },
  );
});

Deno.test("a closed upstream becomes an error event with its message and fatality", () => {
  assert.deepEqual(
    agentEventMessage({ type: "closed", message: "Bad key", fatal: true }),
    { event: "error", data: '{"error":"Bad key","fatal":true}' },
  );
  assert.deepEqual(
    agentEventMessage({ type: "closed", message: "Dropped", fatal: false }),
    { event: "error", data: '{"error":"Dropped","fatal":false}' },
  );
});

Deno.test("an agent's trouble adds its kind and low-level detail to the error event", () => {
  assert.deepEqual(
    agentEventMessage({
      type: "closed",
      message: "Cannot reach Gemini: check the network or proxy",
      fatal: false,
      kind: "unreachable",
      detail: "getaddrinfo ENOTFOUND generativelanguage.googleapis.com",
    }),
    {
      event: "error",
      data: '{"error":"Cannot reach Gemini: check the network or proxy","fatal":false,' +
        '"kind":"unreachable","detail":"getaddrinfo ENOTFOUND generativelanguage.googleapis.com"}',
    },
  );
});

Deno.test("errorMessage builds the same error event", () => {
  assert.deepEqual(errorMessage("Oops", false), {
    event: "error",
    data: '{"error":"Oops","fatal":false}',
  });
});

Deno.test("text and audio events are the JSON of their object, escapes included", () => {
  for (const text of ["", "line\nbreak", 'quote " and \\ backslash', "emoji 🎤 and \u2028"]) {
    assert.equal(
      agentEventMessage({ type: "text", text }).data,
      JSON.stringify({ mime_type: "text/plain", data: text }),
    );
    assert.equal(
      agentEventMessage({ type: "audio", data: text }).data,
      JSON.stringify({ mime_type: "audio/pcm", data: text }),
    );
  }
});

Deno.test("a tool call is a named tool event with id, name, args, status and result", () => {
  assert.deepEqual(
    agentEventMessage({
      type: "tool",
      id: "c1",
      name: "convert_units",
      args: { value: 1, from: "mi", to: "km" },
      status: "done",
      result: { result: 1.609344 },
    }),
    {
      event: "tool",
      data: '{"id":"c1","name":"convert_units","args":{"value":1,"from":"mi","to":"km"},' +
        '"status":"done","result":{"result":1.609344}}',
    },
  );
  assert.deepEqual(
    JSON.parse(
      agentEventMessage({ type: "tool", id: "c2", name: "t", args: {}, status: "running" }).data!,
    ),
    { id: "c2", name: "t", args: {}, status: "running" },
  );
});

Deno.test("Opus audio is an unnamed event shaped like PCM audio", () => {
  assert.deepEqual(JSON.parse(opusAudioMessage("AAH4").data!), {
    mime_type: "audio/opus",
    data: "AAH4",
  });
});
