import assert from "node:assert/strict";
import type { LiveServerMessage } from "@google/genai";
import { LiveMessageMapper } from "./live_message_mapper.ts";
import type { AgentEvent } from "./agent_event.ts";

function message(value: unknown): LiveServerMessage {
  return value as LiveServerMessage;
}

function content(serverContent: unknown): LiveServerMessage {
  return message({ serverContent });
}

function web(uri: string, title?: string, domain?: string) {
  return { web: { uri, title, domain } };
}

function grounding(...chunks: unknown[]): LiveServerMessage {
  return content({ groundingMetadata: { groundingChunks: chunks } });
}

Deno.test("text parts become text events in the order they arrive", () => {
  const mapper = new LiveMessageMapper();
  const events = mapper.map(content({
    modelTurn: {
      parts: [{ text: "Hello" }, { text: ", " }, { text: "world" }],
    },
  }));
  assert.deepEqual(events, [
    { type: "text", text: "Hello" },
    { type: "text", text: ", " },
    { type: "text", text: "world" },
  ]);
});

Deno.test("the model's thoughts are not shown as answer text", () => {
  const mapper = new LiveMessageMapper();
  const events = mapper.map(content({
    modelTurn: {
      parts: [
        { text: "Let me think about searching", thought: true },
        { text: "The answer" },
      ],
    },
  }));
  assert.deepEqual(events, [{ type: "text", text: "The answer" }]);
});

Deno.test("PCM audio is forwarded with its base64 unchanged", () => {
  const mapper = new LiveMessageMapper();
  const events = mapper.map(content({
    modelTurn: {
      parts: [
        { inlineData: { mimeType: "audio/pcm", data: "AAECAw==" } },
        { inlineData: { mimeType: "audio/pcm;rate=24000", data: "BAUGBw==" } },
      ],
    },
  }));
  assert.deepEqual(events, [
    { type: "audio", data: "AAECAw==" },
    { type: "audio", data: "BAUGBw==" },
  ]);
});

Deno.test("inline data that is not PCM audio is ignored", () => {
  const mapper = new LiveMessageMapper();
  const events = mapper.map(content({
    modelTurn: {
      parts: [
        { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
        { inlineData: { mimeType: "audio/mp3", data: "SUQz" } },
        { text: "after" },
      ],
    },
  }));
  assert.deepEqual(events, [{ type: "text", text: "after" }]);
});

Deno.test("a completed turn is reported as turn_complete", () => {
  const mapper = new LiveMessageMapper();
  assert.deepEqual(mapper.map(content({ turnComplete: true })), [
    { type: "turn_complete" },
  ]);
});

Deno.test("a message without content or usage yields no events", () => {
  const mapper = new LiveMessageMapper();
  assert.deepEqual(mapper.map(message({ setupComplete: {} })), []);
});

Deno.test("an interruption is reported after the turn's transcripts and sources are finalized", () => {
  const mapper = new LiveMessageMapper();
  mapper.map(content({ inputTranscription: { text: "what is" } }));
  mapper.map(content({ outputTranscription: { text: "It is" } }));
  mapper.map(grounding(web("https://a.example/x", "A", "a.example")));
  const events = mapper.map(content({ interrupted: true }));
  assert.deepEqual(events, [
    { type: "transcript", role: "model", text: "It is", final: true },
    {
      type: "sources",
      sources: [{
        title: "A",
        uri: "https://a.example/x",
        domain: "a.example",
      }],
    },
    { type: "interrupted" },
  ]);
});

Deno.test("an interruption with a pending user transcript finalizes it first", () => {
  const mapper = new LiveMessageMapper();
  mapper.map(content({ inputTranscription: { text: "stop" } }));
  assert.deepEqual(mapper.map(content({ interrupted: true })), [
    { type: "transcript", role: "user", text: "stop", final: true },
    { type: "interrupted" },
  ]);
});

Deno.test("user speech is transcribed cumulatively and not yet final", () => {
  const mapper = new LiveMessageMapper();
  assert.deepEqual(
    mapper.map(content({ inputTranscription: { text: "What is" } })),
    [{ type: "transcript", role: "user", text: "What is", final: false }],
  );
  assert.deepEqual(
    mapper.map(content({ inputTranscription: { text: " the weather" } })),
    [{
      type: "transcript",
      role: "user",
      text: "What is the weather",
      final: false,
    }],
  );
});

Deno.test("an empty transcription piece reports nothing", () => {
  const mapper = new LiveMessageMapper();
  assert.deepEqual(mapper.map(content({ inputTranscription: {} })), []);
  assert.deepEqual(
    mapper.map(content({ outputTranscription: { text: "" } })),
    [],
  );
});

Deno.test("user transcript is finalized by a finished piece, including its text", () => {
  const mapper = new LiveMessageMapper();
  mapper.map(content({ inputTranscription: { text: "Hello" } }));
  assert.deepEqual(
    mapper.map(
      content({ inputTranscription: { text: " there", finished: true } }),
    ),
    [{ type: "transcript", role: "user", text: "Hello there", final: true }],
  );
  // The next utterance starts from scratch.
  assert.deepEqual(
    mapper.map(content({ inputTranscription: { text: "Again" } })),
    [{ type: "transcript", role: "user", text: "Again", final: false }],
  );
});

Deno.test("user transcript is finalized when the model starts answering with parts", () => {
  const mapper = new LiveMessageMapper();
  mapper.map(content({ inputTranscription: { text: "Hi" } }));
  assert.deepEqual(
    mapper.map(content({
      modelTurn: {
        parts: [{ inlineData: { mimeType: "audio/pcm", data: "AAAA" } }],
      },
    })),
    [
      { type: "transcript", role: "user", text: "Hi", final: true },
      { type: "audio", data: "AAAA" },
    ],
  );
});

Deno.test("user transcript is finalized when the model's speech transcription starts", () => {
  const mapper = new LiveMessageMapper();
  mapper.map(content({ inputTranscription: { text: "Hi" } }));
  assert.deepEqual(
    mapper.map(content({ outputTranscription: { text: "Hello" } })),
    [
      { type: "transcript", role: "user", text: "Hi", final: true },
      { type: "transcript", role: "model", text: "Hello", final: false },
    ],
  );
});

Deno.test("user transcript is finalized at turn end if nothing else finalized it", () => {
  const mapper = new LiveMessageMapper();
  mapper.map(content({ inputTranscription: { text: "Hi" } }));
  assert.deepEqual(mapper.map(content({ turnComplete: true })), [
    { type: "transcript", role: "user", text: "Hi", final: true },
    { type: "turn_complete" },
  ]);
});

Deno.test("the user's final transcript is reported only once", () => {
  const mapper = new LiveMessageMapper();
  mapper.map(content({ inputTranscription: { text: "Hi", finished: true } }));
  assert.deepEqual(
    mapper.map(content({ modelTurn: { parts: [{ text: "Hello" }] } })),
    [{ type: "text", text: "Hello" }],
  );
  assert.deepEqual(mapper.map(content({ turnComplete: true })), [
    { type: "turn_complete" },
  ]);
});

Deno.test("model speech is transcribed cumulatively and finalized at turn end", () => {
  const mapper = new LiveMessageMapper();
  assert.deepEqual(
    mapper.map(content({ outputTranscription: { text: "The sky" } })),
    [{ type: "transcript", role: "model", text: "The sky", final: false }],
  );
  assert.deepEqual(
    mapper.map(content({ outputTranscription: { text: " is blue." } })),
    [{
      type: "transcript",
      role: "model",
      text: "The sky is blue.",
      final: false,
    }],
  );
  assert.deepEqual(mapper.map(content({ turnComplete: true })), [
    {
      type: "transcript",
      role: "model",
      text: "The sky is blue.",
      final: true,
    },
    { type: "turn_complete" },
  ]);
});

Deno.test("grounding sources are gathered over the turn and reported once before turn_complete", () => {
  const mapper = new LiveMessageMapper();
  assert.deepEqual(
    mapper.map(grounding(web("https://a.example/1", "A", "a.example"))),
    [],
  );
  assert.deepEqual(
    mapper.map(grounding(web("https://b.example/2", "B", "b.example"))),
    [],
  );
  assert.deepEqual(mapper.map(content({ turnComplete: true })), [
    {
      type: "sources",
      sources: [
        { title: "A", uri: "https://a.example/1", domain: "a.example" },
        { title: "B", uri: "https://b.example/2", domain: "b.example" },
      ],
    },
    { type: "turn_complete" },
  ]);
});

Deno.test("sources carried by the final message are included before turn_complete", () => {
  const mapper = new LiveMessageMapper();
  assert.deepEqual(
    mapper.map(content({
      groundingMetadata: { groundingChunks: [web("https://a.example/", "A")] },
      turnComplete: true,
    })),
    [
      { type: "sources", sources: [{ title: "A", uri: "https://a.example/" }] },
      { type: "turn_complete" },
    ],
  );
});

Deno.test("sources with the same uri are listed once, keeping the first", () => {
  const mapper = new LiveMessageMapper();
  mapper.map(grounding(
    web("https://a.example/", "First"),
    web("https://a.example/", "Second"),
  ));
  mapper.map(grounding(web("https://a.example/", "Third")));
  const events = mapper.map(content({ turnComplete: true }));
  assert.deepEqual(events[0], {
    type: "sources",
    sources: [{ title: "First", uri: "https://a.example/" }],
  });
});

Deno.test("a source's title falls back to its domain, then to its uri", () => {
  const mapper = new LiveMessageMapper();
  mapper.map(grounding(
    web("https://a.example/page", undefined, "a.example"),
    web("https://b.example/page"),
  ));
  const events = mapper.map(content({ turnComplete: true }));
  assert.deepEqual(events[0], {
    type: "sources",
    sources: [
      {
        title: "a.example",
        uri: "https://a.example/page",
        domain: "a.example",
      },
      { title: "https://b.example/page", uri: "https://b.example/page" },
    ],
  });
  // A source without a domain has no domain key at all.
  const sources = (events[0] as Extract<AgentEvent, { type: "sources" }>)
    .sources;
  assert.equal("domain" in sources[1], false);
});

Deno.test("grounding chunks without a web uri are ignored", () => {
  const mapper = new LiveMessageMapper();
  mapper.map(
    grounding({ retrievedContext: { uri: "x" } }, { web: { title: "No uri" } }),
  );
  assert.deepEqual(mapper.map(content({ turnComplete: true })), [
    { type: "turn_complete" },
  ]);
});

Deno.test("a new turn starts with no sources or transcripts from the previous one", () => {
  const mapper = new LiveMessageMapper();
  mapper.map(grounding(web("https://a.example/", "A")));
  mapper.map(content({ outputTranscription: { text: "First answer" } }));
  mapper.map(content({ turnComplete: true }));

  assert.deepEqual(
    mapper.map(content({ outputTranscription: { text: "Second" } })),
    [{ type: "transcript", role: "model", text: "Second", final: false }],
  );
  // A source seen last turn is reported again when grounded again.
  mapper.map(grounding(web("https://a.example/", "A")));
  assert.deepEqual(mapper.map(content({ turnComplete: true })), [
    { type: "transcript", role: "model", text: "Second", final: true },
    { type: "sources", sources: [{ title: "A", uri: "https://a.example/" }] },
    { type: "turn_complete" },
  ]);
  assert.deepEqual(mapper.map(content({ turnComplete: true })), [
    { type: "turn_complete" },
  ]);
});

Deno.test("usage metadata is reported as a usage event", () => {
  const mapper = new LiveMessageMapper();
  assert.deepEqual(
    mapper.map(message({
      usageMetadata: {
        promptTokenCount: 12,
        responseTokenCount: 30,
        totalTokenCount: 42,
      },
    })),
    [{
      type: "usage",
      usage: { promptTokens: 12, responseTokens: 30, totalTokens: 42 },
    }],
  );
});

Deno.test("missing token counts are reported as zero", () => {
  const mapper = new LiveMessageMapper();
  assert.deepEqual(
    mapper.map(message({ usageMetadata: { totalTokenCount: 5 } })),
    [{
      type: "usage",
      usage: { promptTokens: 0, responseTokens: 0, totalTokens: 5 },
    }],
  );
  assert.deepEqual(mapper.map(message({ usageMetadata: {} })), [{
    type: "usage",
    usage: { promptTokens: 0, responseTokens: 0, totalTokens: 0 },
  }]);
});

Deno.test("usage comes after the content events of the same message", () => {
  const mapper = new LiveMessageMapper();
  const events = mapper.map(message({
    serverContent: { turnComplete: true },
    usageMetadata: { totalTokenCount: 1 },
  }));
  assert.deepEqual(events.map((event) => event.type), [
    "turn_complete",
    "usage",
  ]);
});

Deno.test("one message with audio and both transcriptions gives every part, none dropped", () => {
  const mapper = new LiveMessageMapper();
  const events = mapper.map(content({
    modelTurn: {
      parts: [
        { inlineData: { mimeType: "audio/pcm;rate=24000", data: "AAAA" } },
        { inlineData: { mimeType: "audio/pcm;rate=24000", data: "BBBB" } },
      ],
    },
    inputTranscription: { text: "Who won?", finished: true },
    outputTranscription: { text: "Pogačar" },
  }));
  assert.deepEqual(events, [
    { type: "transcript", role: "user", text: "Who won?", final: true },
    { type: "audio", data: "AAAA" },
    { type: "audio", data: "BBBB" },
    { type: "transcript", role: "model", text: "Pogačar", final: false },
  ]);
});

Deno.test("a text session on an audio-only model streams the transcription as text, no audio", () => {
  const mapper = new LiveMessageMapper({ speechAsText: true });
  const speech = (text: string) =>
    content({
      modelTurn: { parts: [{ inlineData: { mimeType: "audio/pcm;rate=24000", data: "AAAA" } }] },
      outputTranscription: { text },
    });
  const events = [
    ...mapper.map(speech("Tadej ")),
    ...mapper.map(speech("Pogačar won.")),
    ...mapper.map(content({ turnComplete: true })),
  ];
  assert.deepEqual(events, [
    { type: "text", text: "Tadej " },
    { type: "text", text: "Pogačar won." },
    { type: "turn_complete" },
  ]);
});

Deno.test("a turn end while the model still reasons (IN_PROGRESS) does not end the answer", () => {
  const mapper = new LiveMessageMapper({ speechAsText: true });
  mapper.map(grounding(web("https://a.example/", "A")));
  assert.deepEqual(
    mapper.map(content({ turnComplete: true, interactionStatus: "IN_PROGRESS" })),
    [],
  );
  mapper.map(content({ outputTranscription: { text: "Found it." } }));
  assert.deepEqual(mapper.map(content({ turnComplete: true, interactionStatus: "IDLE" })), [
    { type: "sources", sources: [{ title: "A", uri: "https://a.example/" }] },
    { type: "turn_complete" },
  ]);
});
