/**
 * The page: wires the event stream, the conversation view, the composer and
 * voice mode together. Each of those lives in its own module; this file only
 * decides what happens when.
 *
 * State for styling and tests lives on `<body>`: `data-state` (connecting,
 * open, reconnecting, error), `data-agent` (ok, reconnecting, unreachable,
 * misconfigured: what the server said of Gemini), `data-mode` (text, audio), `data-speaking`,
 * `data-responding`, `data-codec` (pcm, opus: how the server sends the agent's voice,
 * and so how the microphone goes up). The player's counters are mirrored on `#speaking` as
 * `data-played-frames`, `data-buffered-frames`, `data-dropped-frames`,
 * `data-flush-ms` (flush request to the first silent quantum's report, main
 * thread time), `data-flush-frames` (the same gap in audio frames) and
 * `data-silent-at` (epoch ms of that report).
 *
 * @module
 */
import { base64ToBytes, bytesToBase64 } from "./base64.js";
import { ConversationView } from "./conversation_view.js";
import { EventLog } from "./event_log.js";
import { EventStream } from "./event_stream.js";
import { frameOptionsFromUrl } from "./frame_capture.js";
import { continuationFromUrl, HistoryPanel } from "./history_panel.js";
import { bitrateFromUrl, chooseCodec } from "./opus_codec.js";
import { SessionApi } from "./session_api.js";
import { ToolCallsView } from "./tool_calls.js";
import { VisionControls } from "./vision_controls.js";
import { VoiceError, VoiceSession } from "./voice_session.js";

/** Capture chunk duration; `?chunk_ms=20…100` overrides it. */
const DEFAULT_CHUNK_MS = 50;
/** Input level above which the user counts as speaking (for latency). */
const SPEECH_LEVEL = 0.02;

const $ = (/** @type {string} */ id) => /** @type {any} */ (document.getElementById(id));
const body = document.body;
const messageForm = /** @type {HTMLFormElement} */ ($("messageForm"));
const messageInput = /** @type {HTMLInputElement} */ ($("message"));
const sendButton = /** @type {HTMLButtonElement} */ ($("sendButton"));
const stopButton = /** @type {HTMLButtonElement} */ ($("stopButton"));
const audioButton = /** @type {HTMLButtonElement} */ ($("startAudioButton"));
const muteButton = /** @type {HTMLButtonElement} */ ($("muteButton"));
const headphones = /** @type {HTMLInputElement} */ ($("headphonesToggle"));
const levelMeter = /** @type {HTMLMeterElement} */ ($("inputLevel"));
const speaking = /** @type {HTMLElement} */ ($("speaking"));
const statusLine = /** @type {HTMLElement} */ ($("status"));

const sessionId = randomSessionId();
// Declared below; the api reads it only when it posts.
const api = new SessionApi(sessionId, () => stream.lastEventId);
const view = new ConversationView($("messages"), $("announcer"));
const log = new EventLog($("eventLog"));
const tools = new ToolCallsView({
  addLine: (line) => view.addLine(line),
  announce: (text) => view.announce(text),
  confirm: (id, approved) => {
    log.add("out", "POST /tools", { id, approved });
    return api.confirmTool(id, approved);
  },
});

/** Ignore the agent's output until its turn ends (after Stop). */
let suppressing = false;
/** A typed question waits for its answer. */
let awaitingReply = false;
let agentPlaying = false;
/** When the current turn's wait started (send, or end of speech). */
let turnStartedAt = /** @type {number | null} */ (null);
let flushRequestedAt = 0;
/** Context frame at which the player dropped its queue. */
let flushFrame = 0;
let connected = false;
/**
 * What the server said is wrong with Gemini. While it is `unreachable` or `misconfigured`
 * nothing streams up (microphone, camera) until the agent answers or the page reconnects
 * after losing the server (a restarted server may work); this page's own mode switch does
 * not clear it. `reconnecting` ends with any new stream.
 * @type {"reconnecting" | "unreachable" | "misconfigured" | null}
 */
let agentTrouble = null;
/** The stream was lost (not reopened by this page): the server it reaches next may differ. */
let streamLost = false;
/** Trouble sentences already shown, so a mode switch or reconnect does not repeat them. */
const troubleShown = new Set();
/** Start Audio was clicked and voice is starting. */
let audioStarting = false;
/** Last upload error shown, so one failure is not repeated 20 times a second. */
let lastUploadError = /** @type {string | null} */ (null);
/** How the server said it sends the agent's voice (`event: session`). */
let serverCodec = /** @type {"pcm" | "opus"} */ ("pcm");
/** How the microphone goes up: Opus when this page asked for it and the server takes it. */
let uploadCodec = /** @type {"pcm" | "opus"} */ ("pcm");

const voice = new VoiceSession({
  audioElement: $("agentAudio"),
  chunkMs: chunkMsFromUrl(),
  upload: (audio, mimeType) => {
    log.add("out", `POST /send ${mimeType}`, { bytes: audio.byteLength });
    return api.send({ mime_type: mimeType, data: bytesToBase64(audio) });
  },
  upCodec: () => ({ codec: uploadCodec, bitrate: bitrateFromUrl(location.href) }),
  onUploadResult: (error) => {
    // Refusals while Gemini is down were said once already, by the error event.
    if (error && error !== lastUploadError && !agentDown()) view.error(`Audio not sent: ${error}`);
    lastUploadError = error;
  },
  onProblem: (text, error, tell) => {
    warn(text, error);
    if (tell) view.error(`${text}.`);
  },
  onLevel: (level) => {
    levelMeter.value = level;
    if (level > SPEECH_LEVEL) {
      // The latest loud chunk marks the end of speech so far.
      turnStartedAt = performance.now();
    }
  },
  onPlayer: onPlayerReport,
});

// Camera and screen sharing: frames go up as image/jpeg, in text or voice mode.
const vision = new VisionControls({
  cameraButton: $("cameraButton"),
  screenButton: $("screenButton"),
  panel: $("visionPanel"),
  ...frameOptionsFromUrl(location.href),
  upload: (jpeg) => {
    log.add("out", "POST /send image/jpeg", { bytes: jpeg.byteLength });
    return api.send({ mime_type: "image/jpeg", data: bytesToBase64(jpeg) });
  },
  onError: (text) => view.error(text),
});

// History: the panel, and `?continue=<id>` (a new conversation carrying an earlier transcript).
const continuing = continuationFromUrl(location.href);
new HistoryPanel({
  openButton: $("historyButton"),
  dialog: $("historyDialog"),
  note: $("continueNote"),
  continuing,
});

const stream = new EventStream(sessionId, {
  onState(state, retryInSeconds) {
    connected = state === "open";
    if (state === "reconnecting") streamLost = true;
    // The server says again at once if Gemini is still wrong.
    if (state === "open" && (streamLost || agentTrouble === "reconnecting")) {
      streamLost = false;
      setAgentTrouble(null);
    }
    body.dataset.state = state;
    if (state === "connecting") setStatus("Connecting…");
    if (state === "open") setStatus(modeStatus());
    if (state === "reconnecting") {
      setStatus(`Connection lost. Reconnecting in ${retryInSeconds} s…`);
      // Whatever was streaming is cut; what the server kept comes back on
      // reconnect, as a new turn.
      view.endAgentTurn();
    }
    log.add("info", state === "reconnecting" ? `reconnecting in ${retryInSeconds} s` : state);
    updateControls();
  },
  onEvent(name, data) {
    log.add("in", name, data);
    if (name !== "error" && name !== "session" && !data.interrupted) agentAnswered();
    handlers[name]?.(data);
  },
  onProblem: warn,
}, continuing ? { continue: continuing } : {});

/** @type {Record<string, (data: any) => void>} */
const handlers = {
  session(data) {
    if (typeof data.token === "string") api.setToken(data.token);
    serverCodec = data.codec === "opus" ? "opus" : "pcm";
    body.dataset.codec = serverCodec;
    // The server may take Opus from the microphone while sending its voice as
    // PCM (OPUS_DOWNLINK=0); upload Opus whenever this page asked and it takes it.
    uploadCodec = stream.codec === "opus" && Array.isArray(data.upload_codecs) &&
        data.upload_codecs.includes("opus")
      ? "opus"
      : "pcm";
  },
  message(data) {
    if (data.interrupted) return onInterrupted();
    if (data.turn_complete) return onTurnComplete();
    if (suppressing) return;
    if (data.mime_type === "text/plain" && typeof data.data === "string") {
      noteFirstReply();
      view.agentText(data.data);
    } else if (data.mime_type === "audio/pcm" && typeof data.data === "string") {
      noteFirstReply();
      try {
        voice.play(base64ToBytes(data.data));
      } catch (error) {
        // Corrupt audio is skipped; the rest of the answer still plays.
        warn("skipped a corrupt audio/pcm chunk", error);
      }
    } else if (data.mime_type === "audio/opus" && typeof data.data === "string") {
      noteFirstReply();
      try {
        voice.playOpus(base64ToBytes(data.data));
      } catch (error) {
        // As for PCM: a corrupt chunk is skipped.
        warn("skipped a corrupt audio/opus chunk", error);
      }
    }
    updateControls();
  },
  transcript(data) {
    if (typeof data.text !== "string") return;
    if (data.role === "user") {
      view.userTranscript(data.text, data.final === true);
    } else if (data.role === "model" && !suppressing) {
      noteFirstReply();
      view.agentTranscript(data.text, data.final === true);
    }
    updateControls();
  },
  tool(data) {
    tools.update(data);
  },
  sources(data) {
    if (Array.isArray(data.sources) && !suppressing) view.sources(data.sources);
  },
  usage(data) {
    const n = (/** @type {unknown} */ v) => Number.isFinite(v) ? v : "?";
    $("usage").textContent = `Tokens: prompt ${n(data.prompt_tokens)}, ` +
      `response ${n(data.response_tokens)}, total ${n(data.total_tokens)}`;
  },
  error(data) {
    const text = typeof data.error === "string" && data.error
      ? data.error
      : "The server reported an error.";
    // The low-level `detail` stays in the event log, which shows the whole event.
    const trouble = data.fatal
      ? "misconfigured"
      : data.kind === "reconnecting" || data.kind === "unreachable"
      ? data.kind
      : null;
    // Retrying again after giving up: still down until the agent answers.
    if (trouble && !(trouble === "reconnecting" && agentDown())) setAgentTrouble(trouble);
    if (trouble === "misconfigured" && connected) body.dataset.state = "error";
    if (!trouble) {
      view.error(text);
    } else if (!troubleShown.has(text)) {
      // Said once: the server repeats it on each new stream (mode switch, reconnect).
      troubleShown.add(text);
      view.error(
        trouble === "misconfigured"
          ? `${text} Nothing can be sent until then; this page reconnects by itself.`
          : trouble === "unreachable"
          ? `${text}. Sending a message tries again.`
          : text,
      );
    }
    awaitingReply = false;
    updateControls();
  },
};

function onInterrupted() {
  flushRequestedAt = performance.now();
  voice.flush();
  suppressing = false;
  awaitingReply = false;
  view.endAgentTurn("interrupted");
  updateControls();
}

function onTurnComplete() {
  suppressing = false;
  awaitingReply = false;
  view.endAgentTurn();
  updateControls();
}

/** Shows the latency of the turn's first reply, once. */
function noteFirstReply() {
  awaitingReply = false;
  if (turnStartedAt === null) return;
  view.latency(performance.now() - turnStartedAt);
  turnStartedAt = null;
}

/** @param {any} report from the playback worklet */
function onPlayerReport(report) {
  if (report.type === "stats") {
    agentPlaying = report.playing;
    speaking.dataset.playedFrames = String(report.playedFrames);
    speaking.dataset.bufferedFrames = String(report.bufferedFrames);
    body.dataset.speaking = String(report.playing);
    speaking.textContent = report.playing ? "Agent speaking" : "Agent quiet";
    updateControls();
  } else if (report.type === "flushed") {
    speaking.dataset.bufferedFrames = "0";
    speaking.dataset.droppedFrames = String(report.droppedFrames);
    flushFrame = report.frame;
  } else if (report.type === "silent") {
    speaking.dataset.flushMs = (performance.now() - flushRequestedAt).toFixed(1);
    speaking.dataset.flushFrames = String(report.frame - flushFrame);
    speaking.dataset.silentAt = String(Date.now());
  }
}

/** Cuts the current answer: silence now, and ask the server to drop the rest. */
async function stopReply() {
  flushRequestedAt = performance.now();
  voice.flush();
  suppressing = view.agentTurnOpen || awaitingReply || agentPlaying;
  awaitingReply = false;
  view.endAgentTurn("stopped");
  updateControls();
  log.add("out", "POST /interrupt");
  const result = await api.interrupt();
  // An older server without /interrupt: the client-side cut still holds.
  if (!result.ok) log.add("info", "interrupt not confirmed", result);
}

messageForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = messageInput.value;
  if (!text.trim() || sendButton.disabled) return;
  messageInput.value = "";
  const turn = view.addUserText(text);
  awaitingReply = true;
  turnStartedAt = performance.now();
  updateControls();
  log.add("out", "POST /send text/plain", { data: text });
  const result = await api.send({ mime_type: "text/plain", data: text });
  if (!result.ok) {
    view.remove(turn);
    awaitingReply = false;
    turnStartedAt = null;
    // Give the text back unless the person has started typing again.
    if (!messageInput.value) messageInput.value = text;
    view.error(`Message not sent: ${result.error}`);
    messageInput.focus();
    updateControls();
  }
});

stopButton.addEventListener("click", () => void stopReply());
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !stopButton.disabled) void stopReply();
});

audioButton.addEventListener("click", async () => {
  audioStarting = true;
  updateControls();
  try {
    if (voice.active) {
      voice.stop();
      setMode("text");
    } else {
      await voice.start();
      lastUploadError = null;
      setMode("audio");
    }
  } catch (error) {
    view.error(
      error instanceof VoiceError ? error.message : `Voice could not start: ${error}`,
    );
  } finally {
    audioStarting = false;
    updateControls();
  }
  // Gemini went down while the microphone was starting.
  if (agentDown()) stopUploads();
});

muteButton.addEventListener("click", () => {
  const muted = muteButton.getAttribute("aria-pressed") !== "true";
  muteButton.setAttribute("aria-pressed", String(muted));
  muteButton.textContent = muted ? "Unmute" : "Mute";
  voice.setMuted(muted);
});

headphones.addEventListener("change", () => {
  voice.setHeadphones(headphones.checked);
});

/** @param {"text" | "audio"} mode */
function setMode(mode) {
  body.dataset.mode = mode;
  const audio = mode === "audio";
  audioButton.textContent = audio ? "Stop Audio" : "Start Audio";
  audioButton.setAttribute("aria-pressed", String(audio));
  // The server reopens the agent in the new mode on the new stream, which
  // resumes after the last event this page saw.
  stream.open(audio);
}

function updateControls() {
  sendButton.disabled = !connected || agentTrouble === "misconfigured";
  // Stop Audio always works; Start Audio, Camera and Share wait for Gemini to be usable.
  audioButton.disabled = audioStarting || (!voice.active && agentDown());
  vision.setAvailable(!agentDown());
  const responding = awaitingReply || view.agentTurnOpen || agentPlaying;
  body.dataset.responding = String(responding);
  stopButton.disabled = !responding;
  muteButton.disabled = !voice.active;
}

/** @param {string} text */
function setStatus(text) {
  statusLine.textContent = text;
}

function modeStatus() {
  if (agentTrouble === "misconfigured") return "Gemini is not set up on the server: see below.";
  if (agentTrouble === "unreachable") return "Cannot reach Gemini.";
  if (agentTrouble === "reconnecting") return "Connected; reconnecting to Gemini…";
  return body.dataset.mode === "audio" ? "Connected: voice. Speak, or type." : "Connected: text.";
}

/** True while nothing should stream up: Gemini cannot be reached, or is misconfigured. */
function agentDown() {
  return agentTrouble === "unreachable" || agentTrouble === "misconfigured";
}

/** @param {typeof agentTrouble} trouble */
function setAgentTrouble(trouble) {
  agentTrouble = trouble;
  body.dataset.agent = trouble ?? "ok";
  if (connected) setStatus(modeStatus());
  if (agentDown()) stopUploads();
  updateControls();
}

/** The agent answered: Gemini works, and a later trouble is worth telling again. */
function agentAnswered() {
  troubleShown.clear();
  if (agentTrouble) setAgentTrouble(null);
}

/** Stops the microphone and the camera or screen, back to text: nothing would take them. */
function stopUploads() {
  vision.stop();
  if (!voice.active || audioStarting) return;
  voice.stop();
  setMode("text");
}

/**
 * A problem the person need not act on, kept in the event log and the console.
 * @param {string} text
 * @param {unknown} [error]
 */
function warn(text, error) {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : error;
  log.add("info", text, detail);
  console.warn(`${text}:`, error);
}

function chunkMsFromUrl() {
  const value = Number(new URL(location.href).searchParams.get("chunk_ms"));
  return Number.isFinite(value) && value >= 20 && value <= 100 ? value : DEFAULT_CHUNK_MS;
}

/** 32 hex characters, within the server's `^[A-Za-z0-9_-]{1,64}$`. */
function randomSessionId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

updateControls();
// Without WebCodecs Opus, voice still works as PCM; the page says so once.
const codec = await chooseCodec(location.href, (reason) => {
  log.add("info", reason);
  const line = Object.assign(document.createElement("p"), { className: "notice-line" });
  line.textContent = reason;
  view.addLine(line);
});
stream.open(false, codec);
