import assert from "node:assert/strict";
import type { GoogleGenAI, Model } from "@google/genai";
import { listLiveModels, modelProblem, unusableModelMessage } from "./live_model_check.ts";

/** A client whose model list is `pages`, a page per call, or one that never answers. */
function fakeClient(pages: Model[][] | "hang"): Pick<GoogleGenAI, "models"> {
  return {
    models: {
      list: () => {
        if (pages === "hang") return new Promise(() => {});
        async function* all() {
          for (const page of pages as Model[][]) yield* page;
        }
        return Promise.resolve(all());
      },
    },
  } as unknown as Pick<GoogleGenAI, "models">;
}

Deno.test("only models with bidiGenerateContent are listed, from every page, without models/", async () => {
  const live = await listLiveModels(
    fakeClient([
      [
        { name: "models/gemini-3.8-live", supportedActions: ["bidiGenerateContent"] },
        { name: "models/gemini-3.5-flash", supportedActions: ["generateContent"] },
      ],
      [{ name: "models/gemini-3.1-flash-live-preview", supportedActions: ["bidiGenerateContent"] }],
    ]),
    1000,
  );
  assert.deepEqual(live, ["gemini-3.8-live", "gemini-3.1-flash-live-preview"]);
});

Deno.test("a list that does not come in time fails instead of holding the check", async () => {
  await assert.rejects(listLiveModels(fakeClient("hang"), 50), /no answer within 0.05 s/);
});

Deno.test("a retired model is named with the setting and a model the key can use", () => {
  const message = modelProblem(
    [{ setting: "GEMINI_MODEL", model: "gemini-live-2.5-flash-preview" }],
    ["gemini-3.1-flash-live-preview", "gemini-3.8-live"],
  );
  assert.match(message!, /GEMINI_MODEL is `gemini-live-2.5-flash-preview`/);
  assert.match(message!, /Set GEMINI_MODEL=gemini-3.8-live in \.env and restart/);
  assert.match(message!, /it can use: gemini-3\.1-flash-live-preview, gemini-3\.8-live/);
});

Deno.test("every configured model that is available is no problem", () => {
  assert.equal(
    modelProblem(
      [
        { setting: "GEMINI_MODEL", model: "gemini-3.8-live" },
        { setting: "GEMINI_AUDIO_MODEL", model: "gemini-3.1-flash-live-preview" },
      ],
      ["gemini-3.1-flash-live-preview", "gemini-3.8-live"],
    ),
    undefined,
  );
});

Deno.test("the audio model is checked too, and named by its own setting", () => {
  const message = modelProblem(
    [
      { setting: "GEMINI_MODEL", model: "gemini-3.8-live" },
      { setting: "GEMINI_AUDIO_MODEL", model: "gemini-2.0-flash-live-001" },
    ],
    ["gemini-3.8-live"],
  );
  assert.match(message!, /^GEMINI_AUDIO_MODEL is `gemini-2.0-flash-live-001`/);
});

Deno.test("without the default among them, the first usable model is suggested", () => {
  assert.match(
    unusableModelMessage({ setting: "GEMINI_MODEL", model: "x" }, ["gemini-live-2.5-flash"]),
    /Set GEMINI_MODEL=gemini-live-2\.5-flash/,
  );
});

Deno.test("unknown availability suggests the default and the models task", () => {
  const message = unusableModelMessage({ setting: "GEMINI_MODEL", model: "x" }, null);
  assert.match(message, /Set GEMINI_MODEL=gemini-3\.8-live/);
  assert.match(message, /deno task models/);
});

Deno.test("a key that can use no Live model is told so", () => {
  assert.match(
    unusableModelMessage({ setting: "GEMINI_MODEL", model: "x" }, []),
    /the key can use none/,
  );
});
