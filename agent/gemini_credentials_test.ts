import assert from "node:assert/strict";
import { geminiCredentials } from "./gemini_credentials.ts";

Deno.test("GOOGLE_API_KEY gives API key credentials", () => {
  assert.deepEqual(geminiCredentials({ GOOGLE_API_KEY: "k1" }), {
    kind: "api_key",
    apiKey: "k1",
  });
});

Deno.test("GEMINI_API_KEY is used when GOOGLE_API_KEY is not set", () => {
  assert.deepEqual(geminiCredentials({ GEMINI_API_KEY: "k2" }), {
    kind: "api_key",
    apiKey: "k2",
  });
  assert.deepEqual(
    geminiCredentials({ GOOGLE_API_KEY: "", GEMINI_API_KEY: "k2" }),
    { kind: "api_key", apiKey: "k2" },
  );
});

Deno.test("GOOGLE_API_KEY wins over GEMINI_API_KEY", () => {
  assert.deepEqual(
    geminiCredentials({ GOOGLE_API_KEY: "k1", GEMINI_API_KEY: "k2" }),
    { kind: "api_key", apiKey: "k1" },
  );
});

for (const flag of ["TRUE", "true", "1"]) {
  Deno.test(`GOOGLE_GENAI_USE_VERTEXAI=${flag} selects Vertex AI with project and location`, () => {
    assert.deepEqual(
      geminiCredentials({
        GOOGLE_GENAI_USE_VERTEXAI: flag,
        GOOGLE_CLOUD_PROJECT: "my-project",
        GOOGLE_CLOUD_LOCATION: "us-central1",
      }),
      {
        kind: "vertex",
        project: "my-project",
        location: "us-central1",
        apiKey: undefined,
      },
    );
  });
}

Deno.test("GOOGLE_GENAI_USE_VERTEXAI=false keeps API key credentials", () => {
  assert.deepEqual(
    geminiCredentials({
      GOOGLE_GENAI_USE_VERTEXAI: "false",
      GOOGLE_API_KEY: "k",
      GOOGLE_CLOUD_PROJECT: "p",
    }),
    { kind: "api_key", apiKey: "k" },
  );
});

Deno.test("Vertex AI without a project or key counts as no credentials", () => {
  assert.equal(
    geminiCredentials({
      GOOGLE_GENAI_USE_VERTEXAI: "TRUE",
      GOOGLE_CLOUD_LOCATION: "us-central1",
    }),
    null,
  );
});

Deno.test("no credentials at all gives null", () => {
  assert.equal(geminiCredentials({}), null);
  assert.equal(
    geminiCredentials({ GOOGLE_API_KEY: "", GEMINI_API_KEY: "" }),
    null,
  );
});
