import type { LiveServerMessage, Transcription } from "@google/genai";
import type { AgentEvent, Source } from "./agent_event.ts";

/**
 * Turns Live API server messages into {@link AgentEvent}s.
 *
 * It keeps the little state a turn needs: transcription arrives in pieces and
 * is reported cumulatively, so a client can replace partial text by the final
 * one; grounding sources are gathered over the turn and reported once at its
 * end. Every part of a message is used: today's models put audio, both
 * transcriptions and text in one message. One mapper per upstream connection.
 *
 * With `speechAsText` (a text session on a model that answers only in audio)
 * the transcription of the agent's speech is the answer's text, streamed as
 * `text` events, and the audio itself is dropped.
 *
 * @example
 * ```ts
 * const mapper = new LiveMessageMapper();
 * mapper.map({ serverContent: { turnComplete: true } } as never);
 * // [{ type: "turn_complete" }]
 * ```
 */
export class LiveMessageMapper {
  #user = new Utterance("user");
  #model = new Utterance("model");
  #sources = new Map<string, Source>();
  readonly #speechAsText: boolean;

  constructor({ speechAsText = false }: { speechAsText?: boolean } = {}) {
    this.#speechAsText = speechAsText;
  }

  /** Maps one server message to the events it carries, in order. */
  map(message: LiveServerMessage): AgentEvent[] {
    const events: AgentEvent[] = [];
    const content = message.serverContent;
    if (content) {
      if (content.inputTranscription) {
        this.#user.add(content.inputTranscription, events);
      }
      const parts = content.modelTurn?.parts ?? [];
      if (parts.length > 0 || content.outputTranscription) {
        // The model answering means the user's utterance is over.
        this.#user.finish(events);
      }
      for (const part of parts) {
        if (part.thought) continue;
        if (part.text) events.push({ type: "text", text: part.text });
        const blob = part.inlineData;
        if (!this.#speechAsText && blob?.data && blob.mimeType?.startsWith("audio/pcm")) {
          events.push({ type: "audio", data: blob.data });
        }
      }
      const spoken = content.outputTranscription;
      if (spoken && this.#speechAsText) {
        if (spoken.text) events.push({ type: "text", text: spoken.text });
      } else if (spoken) {
        this.#model.add(spoken, events);
      }
      for (const chunk of content.groundingMetadata?.groundingChunks ?? []) {
        const web = chunk.web;
        if (web?.uri && !this.#sources.has(web.uri)) {
          const source: Source = {
            title: web.title || web.domain || web.uri,
            uri: web.uri,
          };
          if (web.domain) source.domain = web.domain;
          this.#sources.set(web.uri, source);
        }
      }
      if (content.interrupted) {
        this.#endTurn(events);
        events.push({ type: "interrupted" });
      }
      // A model still reasoning in the background (extended thinking) ends a
      // turn with IN_PROGRESS: more of the same answer follows.
      if (content.turnComplete && content.interactionStatus as string !== "IN_PROGRESS") {
        this.#endTurn(events);
        events.push({ type: "turn_complete" });
      }
    }
    const usage = message.usageMetadata;
    if (usage) {
      events.push({
        type: "usage",
        usage: {
          promptTokens: usage.promptTokenCount ?? 0,
          responseTokens: usage.responseTokenCount ?? 0,
          totalTokens: usage.totalTokenCount ?? 0,
        },
      });
    }
    return events;
  }

  #endTurn(events: AgentEvent[]): void {
    this.#user.finish(events);
    this.#model.finish(events);
    if (this.#sources.size > 0) {
      events.push({ type: "sources", sources: [...this.#sources.values()] });
      this.#sources.clear();
    }
  }
}

/** One side's speech in the current turn, transcribed piece by piece. */
class Utterance {
  #text = "";
  constructor(readonly role: "user" | "model") {}

  add(piece: Transcription, events: AgentEvent[]): void {
    this.#text += piece.text ?? "";
    if (piece.finished) return this.finish(events);
    if (piece.text) {
      events.push({
        type: "transcript",
        role: this.role,
        text: this.#text,
        final: false,
      });
    }
  }

  finish(events: AgentEvent[]): void {
    if (!this.#text) return;
    events.push({
      type: "transcript",
      role: this.role,
      text: this.#text,
      final: true,
    });
    this.#text = "";
  }
}
