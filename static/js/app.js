/**
 * Browser client for the Gemini Live search agent.
 *
 * Downstream: one EventSource per session mode (text or audio). Upstream:
 * JSON POSTs to /send/<sessionId>, authenticated with the token the server
 * hands out in the first `session` event.
 */
import { startAudioPlayerWorklet } from "./audio-player.js";
import { startAudioRecorderWorklet } from "./audio-recorder.js";

/** How often buffered microphone audio is uploaded. */
const AUDIO_SEND_INTERVAL_MS = 100;
/** Delay before reopening a stream the browser gave up on. */
const RECONNECT_DELAY_MS = 5000;
/** How long a POST waits for the session token before trying without it. */
const TOKEN_WAIT_MS = 5000;
/**
 * Cap on microphone audio held while uploads are stalled (10 s at 16 kHz,
 * 16-bit); older audio is dropped because late speech is useless to a live
 * conversation.
 */
const MAX_PENDING_AUDIO_BYTES = 16000 * 2 * 10;

const messagesDiv = /** @type {HTMLDivElement} */ (
  document.getElementById("messages")
);
const messageForm = /** @type {HTMLFormElement} */ (
  document.getElementById("messageForm")
);
const messageInput = /** @type {HTMLInputElement} */ (
  document.getElementById("message")
);
const sendButton = /** @type {HTMLButtonElement} */ (
  document.getElementById("sendButton")
);
const startAudioButton = /** @type {HTMLButtonElement} */ (
  document.getElementById("startAudioButton")
);
const statusEl = /** @type {HTMLElement} */ (document.getElementById("status"));
const usageEl = document.getElementById("usage");

const sessionId = randomSessionId();

/** @type {string | null} */
let token = null;
/** @type {Array<(t: string | null) => void>} */
let tokenWaiters = [];
let isAudio = false;
/** @type {EventSource | null} */
let eventSource = null;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let reconnectTimer;

// Conversation rendering state.
/** @type {Turn | null} agent turn currently receiving text/transcript */
let currentAgentTurn = null;
/** @type {Turn | null} last agent turn, where late `sources` attach */
let lastAgentTurn = null;
/** @type {Turn | null} user bubble still receiving a live transcript */
let userTranscriptTurn = null;

// Audio state.
/** @type {AudioWorkletNode | null} */
let playerNode = null;
/** @type {AudioContext | null} */
let playerContext = null;
/** @type {import("./audio-recorder.js").AudioRecorder | null} */
let recorder = null;
/** @type {Uint8Array[]} */
let pendingAudio = [];
let pendingAudioBytes = 0;
let audioUploadInFlight = false;
/** @type {ReturnType<typeof setInterval> | undefined} */
let audioTimer;
/** @type {string | null} last upload error shown, to avoid one per 100 ms */
let lastAudioError = null;

/**
 * @typedef {object} Turn
 * @property {HTMLDivElement} root
 * @property {HTMLParagraphElement} bubble
 * @property {HTMLUListElement | null} sources
 * @property {Set<string>} sourceUris
 */

// ---------------------------------------------------------------------------
// Connection

function openEventSource() {
  clearTimeout(reconnectTimer);
  if (eventSource) eventSource.close();

  setState("connecting");
  setStatus("Connecting…");
  sendButton.disabled = true;

  const es = new EventSource(
    `/events/${encodeURIComponent(sessionId)}?is_audio=${isAudio}`,
  );
  eventSource = es;
  // Each handler ignores events from a stream that has since been replaced.
  const current = () => es === eventSource;

  es.addEventListener("open", () => {
    if (!current()) return;
    setState("open");
    setStatus(isAudio ? "Connected — voice mode" : "Connected — text mode");
    sendButton.disabled = false;
  });

  es.addEventListener("session", (event) => {
    if (!current()) return;
    const data = parseJson(/** @type {MessageEvent} */ (event).data);
    if (data && typeof data.token === "string") setToken(data.token);
  });

  es.addEventListener("message", (event) => {
    if (!current()) return;
    const data = parseJson(event.data);
    if (data) handleContentMessage(data);
  });

  es.addEventListener("transcript", (event) => {
    if (!current()) return;
    const data = parseJson(/** @type {MessageEvent} */ (event).data);
    if (data) handleTranscript(data);
  });

  es.addEventListener("sources", (event) => {
    if (!current()) return;
    const data = parseJson(/** @type {MessageEvent} */ (event).data);
    if (data && Array.isArray(data.sources)) showSources(data.sources);
  });

  es.addEventListener("usage", (event) => {
    if (!current()) return;
    const data = parseJson(/** @type {MessageEvent} */ (event).data);
    if (data) showUsage(data);
  });

  // A server `event: error` and a transport failure share the "error" event
  // type; only the former is a MessageEvent carrying data.
  es.addEventListener("error", (event) => {
    if (!current()) return;
    if (event instanceof MessageEvent && typeof event.data === "string") {
      const data = parseJson(event.data);
      const text = data && typeof data.error === "string"
        ? data.error
        : "The server reported an error.";
      showError(data && data.fatal ? `${text} (the session has ended)` : text);
      return;
    }
    setState("error");
    sendButton.disabled = true;
    setStatus("Connection lost, reconnecting…", true);
    if (es.readyState === EventSource.CLOSED) {
      // The browser only retries on its own for dropped streams, not for
      // refused ones (e.g. a 5xx), so keep trying at a gentle pace.
      reconnectTimer = setTimeout(() => {
        if (current()) openEventSource();
      }, RECONNECT_DELAY_MS);
    }
  });
}

/** @param {string} value */
function setToken(value) {
  token = value;
  const waiters = tokenWaiters;
  tokenWaiters = [];
  for (const resolve of waiters) resolve(value);
}

/**
 * Resolves with the session token, waiting briefly for the `session` event
 * if a POST races the stream's first event. The HttpOnly cookie is the
 * fallback if it never comes.
 * @returns {Promise<string | null>}
 */
function waitForToken() {
  if (token) return Promise.resolve(token);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      tokenWaiters = tokenWaiters.filter((w) => w !== done);
      resolve(null);
    }, TOKEN_WAIT_MS);
    /** @param {string | null} t */
    const done = (t) => {
      clearTimeout(timer);
      resolve(t);
    };
    tokenWaiters.push(done);
  });
}

/**
 * POSTs one message to the session.
 * @param {{ mime_type: string, data: string }} body
 * @returns {Promise<{ ok: true } | { ok: false, error: string }>}
 */
async function postMessage(body) {
  const sessionToken = await waitForToken();
  /** @type {Record<string, string>} */
  const headers = { "Content-Type": "application/json" };
  if (sessionToken) headers["X-Session-Token"] = sessionToken;

  let response;
  try {
    response = await fetch(`/send/${encodeURIComponent(sessionId)}`, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch {
    return {
      ok: false,
      error: "Could not reach the server. Check your connection.",
    };
  }
  if (response.ok) return { ok: true };

  let error = `The server rejected the message (HTTP ${response.status}).`;
  try {
    const data = await response.json();
    if (data && typeof data.error === "string" && data.error) {
      error = data.error;
    }
  } catch {
    // Not JSON (e.g. a proxy error page); keep the generic wording.
  }
  return { ok: false, error };
}

// ---------------------------------------------------------------------------
// Incoming events

/** @param {any} msg */
function handleContentMessage(msg) {
  if (msg.interrupted) {
    flushPlayer();
    endAgentTurn();
    return;
  }
  if (msg.turn_complete) {
    endAgentTurn();
    return;
  }
  if (msg.mime_type === "text/plain" && typeof msg.data === "string") {
    const turn = ensureAgentTurn();
    turn.bubble.textContent += msg.data;
    scrollToBottom();
  } else if (msg.mime_type === "audio/pcm" && typeof msg.data === "string") {
    playPcm(msg.data);
  }
}

/** @param {any} msg */
function handleTranscript(msg) {
  if (typeof msg.text !== "string") return;
  if (msg.role === "user") {
    if (!userTranscriptTurn) {
      userTranscriptTurn = appendTurn("user");
      userTranscriptTurn.root.classList.add("interim");
    }
    // Text is cumulative for the utterance, so replace rather than append.
    userTranscriptTurn.bubble.textContent = msg.text;
    if (msg.final) {
      userTranscriptTurn.root.classList.remove("interim");
      userTranscriptTurn = null;
    }
  } else if (msg.role === "model") {
    // The model answering means the user's utterance is over, even if its
    // final transcript never arrived.
    finishUserTranscript();
    const turn = ensureAgentTurn();
    turn.bubble.textContent = msg.text;
    if (msg.final) endAgentTurn();
  }
  scrollToBottom();
}

function finishUserTranscript() {
  if (!userTranscriptTurn) return;
  userTranscriptTurn.root.classList.remove("interim");
  userTranscriptTurn = null;
}

/** @param {any} usage */
function showUsage(usage) {
  if (!usageEl) return;
  const n = (/** @type {unknown} */ v) =>
    typeof v === "number" && Number.isFinite(v) ? v : "?";
  usageEl.textContent = `Tokens — prompt ${n(usage.prompt_tokens)}, ` +
    `response ${n(usage.response_tokens)}, total ${n(usage.total_tokens)}`;
}

// ---------------------------------------------------------------------------
// Rendering

/**
 * @param {"user" | "agent"} role
 * @param {string} [text]
 * @returns {Turn}
 */
function appendTurn(role, text = "") {
  const root = document.createElement("div");
  root.className = `turn ${role}`;
  const bubble = document.createElement("p");
  bubble.className = "bubble";
  bubble.textContent = text;
  root.append(bubble);
  messagesDiv.append(root);
  scrollToBottom();
  return { root, bubble, sources: null, sourceUris: new Set() };
}

function ensureAgentTurn() {
  if (!currentAgentTurn) {
    finishUserTranscript();
    currentAgentTurn = appendTurn("agent");
    lastAgentTurn = currentAgentTurn;
  }
  return currentAgentTurn;
}

function endAgentTurn() {
  currentAgentTurn = null;
}

/** @param {Array<{ title?: unknown, uri?: unknown, domain?: unknown }>} sources */
function showSources(sources) {
  const turn = currentAgentTurn ?? lastAgentTurn ?? ensureAgentTurn();
  for (const source of sources) {
    if (!source || typeof source.uri !== "string") continue;
    let url;
    try {
      url = new URL(source.uri);
    } catch {
      continue;
    }
    // Anything but http(s) (javascript:, data:, …) is never rendered as a link.
    if (url.protocol !== "http:" && url.protocol !== "https:") continue;
    if (turn.sourceUris.has(url.href)) continue;
    turn.sourceUris.add(url.href);

    if (!turn.sources) {
      const list = document.createElement("ul");
      list.className = "sources";
      const heading = document.createElement("li");
      heading.className = "sources-title";
      heading.textContent = "Sources";
      list.append(heading);
      turn.root.append(list);
      turn.sources = list;
    }

    // Grounding links are redirects through Google, so the API's own domain
    // says better where a source lives than the link's host does.
    const domain = typeof source.domain === "string" && source.domain
      ? source.domain
      : url.hostname.replace(/^www\./, "");
    const title = typeof source.title === "string" && source.title.trim()
      ? source.title.trim()
      : domain;
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = url.href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.textContent = title;
    link.title = url.href;
    item.append(link);
    if (title.toLowerCase() !== domain.toLowerCase()) {
      const domainEl = document.createElement("span");
      domainEl.className = "domain";
      domainEl.textContent = domain;
      item.append(domainEl);
    }
    turn.sources.append(item);
  }
  scrollToBottom();
}

/**
 * Shows an error both in the conversation and in the status line.
 * @param {string} text
 */
function showError(text) {
  const line = document.createElement("p");
  line.className = "error-line";
  line.setAttribute("role", "alert");
  line.textContent = text;
  messagesDiv.append(line);
  setStatus(text, true);
  scrollToBottom();
}

/**
 * @param {string} text
 * @param {boolean} [isError]
 */
function setStatus(text, isError = false) {
  statusEl.textContent = text;
  statusEl.classList.toggle("is-error", isError);
}

/** @param {"connecting" | "open" | "error"} state */
function setState(state) {
  document.body.dataset.state = state;
}

/** @param {"text" | "audio"} mode */
function setMode(mode) {
  document.body.dataset.mode = mode;
}

function scrollToBottom() {
  messagesDiv.scrollTop = messagesDiv.scrollHeight;
}

// ---------------------------------------------------------------------------
// Text input

messageForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = messageInput.value;
  if (!text.trim()) return;

  messageInput.value = "";
  finishUserTranscript();
  endAgentTurn();
  const turn = appendTurn("user", text);

  const result = await postMessage({ mime_type: "text/plain", data: text });
  if (!result.ok) {
    turn.root.remove();
    // Give the text back unless the user has already started typing again.
    if (!messageInput.value) messageInput.value = text;
    showError(`Message not sent: ${result.error}`);
    messageInput.focus();
  }
});

// ---------------------------------------------------------------------------
// Audio

startAudioButton.addEventListener("click", async () => {
  startAudioButton.disabled = true;
  try {
    if (recorder) {
      await stopAudio();
    } else {
      await startAudio();
    }
  } finally {
    startAudioButton.disabled = false;
  }
});

async function startAudio() {
  try {
    if (!playerNode) {
      [playerNode, playerContext] = await startAudioPlayerWorklet();
    } else if (playerContext && playerContext.state === "suspended") {
      await playerContext.resume();
    }
  } catch (err) {
    showError(`Audio playback could not start: ${describeError(err)}`);
    return;
  }

  try {
    recorder = await startAudioRecorderWorklet(queueAudio);
  } catch (err) {
    showError(microphoneErrorMessage(err));
    return;
  }

  isAudio = true;
  lastAudioError = null;
  // Audio left over from an earlier voice session is stale by now.
  pendingAudio = [];
  pendingAudioBytes = 0;
  audioTimer = setInterval(uploadAudio, AUDIO_SEND_INTERVAL_MS);
  startAudioButton.textContent = "Stop Audio";
  setMode("audio");
  openEventSource();
}

async function stopAudio() {
  const active = recorder;
  recorder = null;
  clearInterval(audioTimer);
  audioTimer = undefined;
  if (active) await active.stop();
  // Send what the user said just before stopping; anything later is dropped.
  uploadAudio();

  flushPlayer();
  finishUserTranscript();
  isAudio = false;
  startAudioButton.textContent = "Start Audio";
  setMode("text");
  openEventSource();
}

/** @param {Uint8Array} pcm */
function queueAudio(pcm) {
  pendingAudio.push(pcm);
  pendingAudioBytes += pcm.byteLength;
  while (pendingAudioBytes > MAX_PENDING_AUDIO_BYTES && pendingAudio.length) {
    pendingAudioBytes -= /** @type {Uint8Array} */ (pendingAudio.shift())
      .byteLength;
  }
}

/**
 * Uploads everything buffered so far as one POST. At most one upload is in
 * flight, which keeps audio in order; while it is pending new audio piles up
 * and goes out together in the next POST.
 */
async function uploadAudio() {
  if (audioUploadInFlight || pendingAudioBytes === 0) return;
  const bytes = concatBytes(pendingAudio, pendingAudioBytes);
  pendingAudio = [];
  pendingAudioBytes = 0;

  audioUploadInFlight = true;
  try {
    const result = await postMessage({
      mime_type: "audio/pcm",
      data: bytesToBase64(bytes),
    });
    if (result.ok) {
      lastAudioError = null;
    } else if (result.error !== lastAudioError) {
      lastAudioError = result.error;
      showError(`Audio not sent: ${result.error}`);
    }
  } finally {
    audioUploadInFlight = false;
  }
}

/** @param {string} base64 */
function playPcm(base64) {
  if (!playerNode) return;
  let bytes;
  try {
    bytes = base64ToBytes(base64);
  } catch {
    return;
  }
  playerNode.port.postMessage(bytes.buffer, [bytes.buffer]);
}

function flushPlayer() {
  if (playerNode) playerNode.port.postMessage({ command: "endOfAudio" });
}

/** @param {unknown} err */
function microphoneErrorMessage(err) {
  const name = err instanceof Error ? err.name : "";
  if (name === "NotAllowedError" || name === "SecurityError") {
    return "Microphone permission was denied. Allow microphone access for " +
      "this site to use voice, or keep typing.";
  }
  if (name === "NotFoundError" || name === "OverconstrainedError") {
    return "No microphone was found. Connect one to use voice, or keep typing.";
  }
  if (name === "NotReadableError") {
    return "The microphone is in use by another application.";
  }
  if (!navigator.mediaDevices) {
    return "Voice needs a secure (HTTPS) connection in this browser.";
  }
  return `The microphone could not be started: ${describeError(err)}`;
}

/** @param {unknown} err */
function describeError(err) {
  return err instanceof Error ? err.message || err.name : String(err);
}

// ---------------------------------------------------------------------------
// Helpers

/** @returns {string} 32 hex chars, matching ^[A-Za-z0-9_-]{1,64}$ */
function randomSessionId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** @param {string} text */
function parseJson(text) {
  try {
    const value = JSON.parse(text);
    return value && typeof value === "object" ? value : null;
  } catch {
    return null;
  }
}

/**
 * @param {Uint8Array[]} chunks
 * @param {number} total
 */
function concatBytes(chunks, total) {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * Chunked so that String.fromCharCode never receives more arguments than
 * the engine's call-stack limit allows.
 * @param {Uint8Array} bytes
 */
function bytesToBase64(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(
      null,
      /** @type {any} */ (bytes.subarray(i, i + 0x8000)),
    );
  }
  return btoa(binary);
}

/** @param {string} base64 */
function base64ToBytes(base64) {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// ---------------------------------------------------------------------------

setMode("text");
openEventSource();
