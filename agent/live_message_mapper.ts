import type { LiveServerMessage, Transcription } from "@google/genai";
import type { AgentEvent, Source } from "./agent_event.ts";

/**
 * Turns Live API server messages into {@link AgentEvent}s.
 *
 * It keeps the little state a turn needs: transcription arrives in pieces and
 * is reported cumulatively, so a client can replace partial text by the final
 * one; grounding sources are gathered over the turn and reported once at its
 * end. One mapper per upstream connection.
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
        if (blob?.data && blob.mimeType?.startsWith("audio/pcm")) {
          events.push({ type: "audio", data: blob.data });
        }
      }
      if (content.outputTranscription) {
        this.#model.add(content.outputTranscription, events);
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
      if (content.turnComplete) {
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
