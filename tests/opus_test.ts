/**
 * Opus between the page and the service (`codec=opus`): negotiation, the
 * microphone's packets reaching Gemini as 16 kHz PCM, the agent's voice
 * coming back as Opus, and raw PCM unchanged for clients that ask for nothing.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { OpusCodec } from "../server/audio/opus_codec.ts";
import { frameOpusPackets, parseOpusFrames } from "../server/audio/opus_framing.ts";
import { bestAlignment, envelope, samples, spokenWav, wavAt, wavAt16k } from "./browser_audio.ts";
import { dominantHz, rms, tone } from "./pcm_tone.ts";
import { fromBase64, toBase64 } from "./fake_live_server.ts";
import { microphonePackets } from "../bench/microphone_opus.ts";
import { type Harness, startHarness } from "./service_harness.ts";
import { SseClient } from "./sse_client.ts";

const opusBody = (packets: Uint8Array[]) => ({
  mime_type: "audio/opus",
  data: toBase64(frameOpusPackets(packets)),
});

/** Opens a stream with `query`, returning the client and the `session` event's data. */
async function openStream(h: Harness, id: string, query: string) {
  const sse = await SseClient.open(`${h.baseUrl}/events/${id}?${query}`);
  const first = await sse.next();
  assert.equal(first.event, "session");
  const session = JSON.parse(first.data);
  return { sse, session, headers: { "X-Session-Token": session.token } };
}

/** The PCM Gemini receives until it holds `bytes`. */
async function receivedPcm(h: Harness, bytes: number): Promise<Uint8Array> {
  const upstream = await h.fake.connection(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (total < bytes) {
    const { audio } = (await upstream.nextRealtimeInput()).realtimeInput;
    assert.equal(audio.mimeType, "audio/pcm;rate=16000");
    chunks.push(fromBase64(audio.data));
    total += chunks.at(-1)!.length;
  }
  return Buffer.concat(chunks);
}

Deno.test("a page that asks for Opus is told so; a client that asks nothing gets PCM", async () => {
  await using h = startHarness();
  const opus = await openStream(h, "neg-opus", "is_audio=true&codec=opus");
  assert.equal(opus.session.codec, "opus");
  assert.equal(opus.session.is_audio, true);
  const plain = await openStream(h, "neg-plain", "is_audio=true");
  assert.equal(plain.session.codec, "pcm");
  const refused = await fetch(`${h.baseUrl}/events/neg-bad?codec=mp3`);
  assert.equal(refused.status, 400);
  assert.match((await refused.json()).error, /Invalid `codec`: use pcm or opus/);
  await Promise.all([opus.sse.close(), plain.sse.close()]);
});

Deno.test("the microphone's Opus packets reach Gemini as 16 kHz PCM of the same tone", async () => {
  await using h = startHarness();
  const { sse, headers } = await openStream(h, "up", "is_audio=true&codec=opus");
  const source = tone(440, 16_000, 1);
  const packets = microphonePackets(source);
  const body = opusBody(packets);
  const response = await h.send("up", body, headers);
  // 200 sent, or 202 queued if the agent's connection is not up yet.
  assert.ok(response.ok, await response.clone().text());
  const pcm = await receivedPcm(h, source.length);
  assert.equal(pcm.length, source.length); // 50 packets of 20 ms
  const steady = pcm.subarray(3200);
  assert.ok(Math.abs(rms(steady) - rms(source)) / rms(source) < 0.2, `rms ${rms(steady)}`);
  assert.ok(Math.abs(dominantHz(steady, 16_000) - 440) < 10);
  console.log(
    `up, 1 s of audio: Opus ${body.data.length} base64 chars, PCM ${toBase64(source).length} (${
      (toBase64(source).length / body.data.length).toFixed(1)
    }×)`,
  );
  await sse.close();
});

Deno.test("the agent's voice comes back as Opus that decodes to the same tone", async () => {
  await using h = startHarness();
  const { sse } = await openStream(h, "down", "is_audio=true&codec=opus");
  const upstream = await h.fake.connection(0);
  const source = tone(440, 24_000, 1.01);
  // Gemini's chunks do not fall on 20 ms frames: the rest waits for the next one.
  upstream.audio(
    source.subarray(0, 9_602),
    source.subarray(9_602, 30_000),
    source.subarray(30_000),
  );
  upstream.turnComplete();
  const packets: Uint8Array[] = [];
  let chars = 0;
  for (;;) {
    const event = await sse.nextJson();
    if (event.turn_complete) break;
    assert.equal(event.mime_type, "audio/opus");
    chars += event.data.length;
    packets.push(...parseOpusFrames(fromBase64(event.data)).packets);
  }
  assert.equal(packets.length, 51); // the last 10 ms padded to a frame before turn_complete
  const decoder = new OpusCodec();
  const pcm = decoder.decode(packets);
  decoder.close();
  const steady = pcm.subarray(3200);
  assert.ok(Math.abs(rms(steady) - rms(source)) / rms(source) < 0.2, `rms ${rms(steady)}`);
  assert.ok(Math.abs(dominantHz(steady, 16_000) - 440) < 10);
  console.log(
    `down, 1.01 s of audio: Opus ${chars} base64 chars, PCM ${toBase64(source).length} (${
      (toBase64(source).length / chars).toFixed(1)
    }×)`,
  );
  await sse.close();
});

Deno.test("a barge-in drops the Opus frame in progress and flushes at once", async () => {
  await using h = startHarness();
  const { sse } = await openStream(h, "cut", "is_audio=true&codec=opus");
  const upstream = await h.fake.connection(0);
  upstream.audio(tone(440, 24_000, 0.03)); // one frame and half of the next
  upstream.interrupted();
  const first = await sse.nextJson();
  assert.equal(first.mime_type, "audio/opus");
  assert.equal(parseOpusFrames(fromBase64(first.data)).packets.length, 1);
  assert.deepEqual(await sse.nextJson(), { interrupted: true });
  // The half frame is gone: nothing comes before the turn's end.
  assert.deepEqual(await sse.nextJson(), { turn_complete: true, interrupted: false });
  await sse.close();
});

Deno.test("Opus that does not decode is a 400 and the session goes on", async () => {
  await using h = startHarness();
  const { sse, headers } = await openStream(h, "bad", "is_audio=true&codec=opus");
  const bodies = [
    { mime_type: "audio/opus", data: toBase64(new Uint8Array([0, 9, 0xf8])) }, // cut short
    { mime_type: "audio/opus", data: "not base64!" },
    // A valid header, then padding longer than the packet: libopus refuses it.
    opusBody([new Uint8Array([0xfb, 0x42, 0xff, 0xff, 0x10])]),
  ];
  const causes = [/packet 1 is cut short/, /not valid base64/, /packet 1 was refused/];
  for (const [i, body] of bodies.entries()) {
    const response = await h.send("bad", body, headers);
    assert.equal(response.status, 400);
    assert.match((await response.json()).error, causes[i]);
  }
  const source = tone(440, 16_000, 0.1);
  const ok = await h.send("bad", opusBody(microphonePackets(source)), headers);
  assert.equal(ok.status, 200);
  assert.equal((await receivedPcm(h, source.length)).length, source.length);
  await sse.close();
});

Deno.test("Opus counts toward the audio limits by the seconds it decodes to", async () => {
  await using h = startHarness({ MAX_AUDIO_SECONDS_PER_POST: "1" });
  const { sse, headers } = await openStream(h, "limit", "is_audio=true&codec=opus");
  const packets = microphonePackets(new Uint8Array(16_000 * 2 * 1.2)); // silence: tiny packets
  const response = await h.send("limit", opusBody(packets), headers);
  assert.equal(response.status, 413);
  assert.match((await response.json()).error, /1\.2 s of audio in one request; the limit is 1 s/);
  await sse.close();
});

Deno.test("a client that asks for nothing gets the agent's PCM byte for byte", async () => {
  await using h = startHarness();
  const { sse } = await openStream(h, "pcm", "is_audio=true");
  const upstream = await h.fake.connection(0);
  const chunk = tone(440, 24_000, 0.013);
  upstream.audio(chunk);
  upstream.turnComplete();
  assert.deepEqual(await sse.nextJson(), { mime_type: "audio/pcm", data: toBase64(chunk) });
  assert.deepEqual(await sse.nextJson(), { turn_complete: true, interrupted: false });
  await sse.close();
});

Deno.test("with OPUS_DOWNLINK=0 the agent's voice goes as PCM, while Opus from the microphone is still taken", async () => {
  await using h = startHarness({ OPUS_DOWNLINK: "0" });
  const { sse, session, headers } = await openStream(h, "uplink-only", "is_audio=true&codec=opus");
  assert.equal(session.codec, "pcm");
  assert.deepEqual(session.upload_codecs, ["pcm", "opus"]);
  const source = tone(440, 16_000, 0.2);
  const response = await h.send("uplink-only", opusBody(microphonePackets(source)), headers);
  assert.ok(response.ok, `${response.status}`);
  await response.body?.cancel();
  assert.equal((await receivedPcm(h, source.length)).length, source.length);
  const upstream = await h.fake.connection(0);
  upstream.audio(new Uint8Array(960));
  assert.equal((await sse.nextJson()).mime_type, "audio/pcm");
  await sse.close();
});

Deno.test("spoken words survive the server's Opus encoding: same envelope, no gaps", async () => {
  const wav = await spokenWav("The museums of Paris open at nine in the morning.");
  if (!wav) return console.warn("Skipping: espeak-ng is not installed.");
  const voice = await wavAt(wav, 24_000);
  const reference = await wavAt16k(wav);
  await Deno.remove(wav);
  await using h = startHarness();
  const { sse } = await openStream(h, "speech-down", "is_audio=true&codec=opus");
  const upstream = await h.fake.connection(0);
  const bytes = new Uint8Array(voice.buffer, voice.byteOffset, voice.byteLength);
  for (let at = 0; at < bytes.length; at += 1920) upstream.audio(bytes.subarray(at, at + 1920));
  upstream.turnComplete();
  const packets: Uint8Array[] = [];
  for (;;) {
    const event = await sse.nextJson();
    if (event.turn_complete) break;
    packets.push(...parseOpusFrames(fromBase64(event.data)).packets);
  }
  const decoder = new OpusCodec();
  const decoded = samples(decoder.decode(packets));
  decoder.close();
  // Every 20 ms of speech came back: the last partial frame is padded, nothing dropped.
  assert.ok(Math.abs(decoded.length - reference.length) <= 320, `${decoded.length} samples`);
  const { score } = bestAlignment(envelope(decoded), envelope(reference).subarray(0, -2));
  assert.ok(score >= 0.9, `envelope correlation ${score.toFixed(3)}`);
  console.log(`down, spoken words through Opus: envelope correlation ${score.toFixed(3)}`);
  await sse.close();
});
