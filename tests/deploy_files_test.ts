/**
 * The Dockerfile, compose file and systemd unit, checked as far as this
 * machine can without a Docker engine or systemd: the shapes docs/deploy.md
 * promises, the pinned Deno version and timeouts that agree with the server's.
 * deploy/nginx.conf runs for real in load_balancer_test.ts; here its routing is
 * read as nginx picks locations, so a route left out fails without nginx.
 */
import assert from "node:assert/strict";
import { serverConfig } from "../server/server_config.ts";
import { type DockerStage, execForm, parseDockerfile } from "./dockerfile.ts";

const read = (path: string) => Deno.readTextFile(new URL(`../${path}`, import.meta.url));

/** The default drain time on SIGTERM; every stop timeout must exceed it. */
const SHUTDOWN_TIMEOUT_MS = serverConfig({}).shutdownTimeoutMs;

/** The arguments of each `keyword` instruction of a stage. */
function all(stage: DockerStage, keyword: string): string[] {
  return stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
}

/** A systemd or compose duration such as `20s`, `1min 30s` or `500ms`, in milliseconds. */
function durationMs(value: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, "": 1000, min: 60_000, m: 60_000 };
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+)\s*(ms|min|m|s|)/g)) {
    total += Number(amount) * units[unit];
  }
  return total;
}

Deno.test("the parser joins continued lines, drops comments and refuses what Docker would", () => {
  const [stage] = parseDockerfile(
    "# syntax=docker/dockerfile:1\nARG V=1\nFROM debian AS base\nRUN a \\\n  # note\n  && b\n",
  );
  assert.equal(stage.name, "base");
  assert.deepEqual(stage.instructions.map((i) => [i.keyword, i.args]), [["RUN", "a  && b"]]);
  assert.throws(() => parseDockerfile("FROM a\nRUNN x\n"), /line 2: unknown instruction `RUNN`/);
  assert.throws(() => parseDockerfile('FROM a\nCMD ["x", "y]\n'), /line 2: CMD exec form/);
  assert.throws(() => parseDockerfile("USER 1\nFROM a\n"), /USER before FROM/);
});

Deno.test("the Dockerfile compiles in a build stage with the pinned Deno, then runs only the binary", async () => {
  const stages = parseDockerfile(await read("Dockerfile"));
  assert.ok(stages.length >= 2, "a multi-stage build");
  const build = stages[0];
  const runtime = stages.at(-1)!;
  const pinned = /deno@(\d+\.\d+\.\d+)/.exec(await read(".ci/run"))![1];
  const runs = all(build, "RUN").join("\n");
  assert.match(runs, new RegExp(`deno@${pinned.replaceAll(".", "\\.")}\\b`), "Deno as CI pins it");
  assert.match(runs, /deno install --frozen/, "dependencies from the lockfile");
  assert.match(runs, /deno task compile/, "compiled as `deno task compile` does");
  const names = stages.map((s) => s.name);
  for (const [index, stage] of stages.entries()) {
    for (const copy of all(stage, "COPY")) {
      const from = /--from=(\S+)/.exec(copy)?.[1];
      if (from) {
        assert.ok(names.slice(0, index).includes(from), `COPY --from=${from}: no such stage`);
      }
    }
  }
  const binary = all(runtime, "COPY").map((c) =>
    /^--from=(\S+)\s+\S*dist\/gemini-live-search\s+(\S+)$/.exec(c)
  ).find(Boolean);
  assert.ok(binary, "the runtime copies the compiled binary");
  assert.equal(binary[1], build.name);
  assert.deepEqual(execForm(all(runtime, "ENTRYPOINT").at(-1) ?? ""), [binary[2]]);
  assert.equal(all(runtime, "RUN").length, 0, "nothing runs in the runtime stage");
});

Deno.test("the container runs as a non-root user on 0.0.0.0:8000 with a health check", async () => {
  const runtime = parseDockerfile(await read("Dockerfile")).at(-1)!;
  const user = all(runtime, "USER").at(-1);
  assert.ok(user, "USER is set");
  assert.doesNotMatch(user.split(":")[0], /^(root|0)$/);
  assert.deepEqual(all(runtime, "EXPOSE"), ["8000"]);
  const env = all(runtime, "ENV").join(" ");
  assert.match(env, /\bHOST=0\.0\.0\.0\b/);
  assert.match(env, /\bPORT=8000\b/);
  const [healthcheck] = all(runtime, "HEALTHCHECK");
  assert.ok(healthcheck, "HEALTHCHECK is set");
  const command = execForm(healthcheck.replace(/^(?:--\S+\s+)*CMD\s+/, ""))!;
  assert.match(command.join(" "), /wget .*http:\/\/127\.0\.0\.1:\$\{PORT\}\/healthz/);
  // The runtime image has no shell, so the checker must come from another stage.
  const copied = all(runtime, "COPY").map((c) => c.split(/\s+/).at(-1));
  assert.ok(copied.includes(command[0]), `${command[0]} is copied into the image`);
  assert.deepEqual(all(runtime, "STOPSIGNAL"), ["SIGTERM"]);
});

Deno.test(".dockerignore keeps secrets and local installs out of the build context", async () => {
  const ignored = (await read(".dockerignore")).split("\n").map((l) => l.trim());
  for (const entry of [".env", ".git", "node_modules/", "dist/"]) {
    assert.ok(ignored.includes(entry), `${entry} is ignored`);
  }
});

Deno.test("compose.yaml runs the image locally with .env, port 8000, a health check and time to drain", async () => {
  const compose = await read("compose.yaml");
  assert.match(compose, /^\s+env_file: \.env$/m);
  assert.match(compose, /^\s+- "127\.0\.0\.1:8000:8000"$/m, "published on this machine only");
  assert.match(compose, /^\s+HOST: 0\.0\.0\.0$/m);
  assert.match(compose, /^\s+healthcheck:$/m);
  assert.match(compose, /\/healthz$/m);
  const grace = /^\s+stop_grace_period: (\S+)$/m.exec(compose)?.[1];
  assert.ok(grace && durationMs(grace) > SHUTDOWN_TIMEOUT_MS, `stop_grace_period ${grace}`);
});

Deno.test("the systemd unit runs a dedicated user, restarts on failure and waits for the drain", async () => {
  const settings = new Map<string, string>();
  for (const line of (await read("deploy/gemini-live-search.service")).split("\n")) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (match) settings.set(match[1], match[2]);
  }
  assert.ok(settings.get("User") && settings.get("User") !== "root");
  assert.match(settings.get("EnvironmentFile") ?? "", /^\//);
  assert.equal(settings.get("Restart"), "on-failure");
  assert.equal(settings.get("KillSignal"), "SIGTERM");
  const stop = durationMs(settings.get("TimeoutStopSec") ?? "0");
  assert.ok(stop > SHUTDOWN_TIMEOUT_MS, `TimeoutStopSec ${stop} ms`);
  assert.equal(settings.get("NoNewPrivileges"), "true");
  assert.equal(settings.get("ProtectSystem"), "strict");
  // V8 compiles JavaScript to machine code at run time.
  assert.notEqual(settings.get("MemoryDenyWriteExecute"), "true");
  // Descriptors run out under many pages (each holds a stream and a Live connection).
  assert.ok(
    Number(settings.get("LimitNOFILE")) >= 65536,
    `LimitNOFILE ${settings.get("LimitNOFILE")}`,
  );
});

Deno.test("nginx drops clients that send nothing and caps connections per address", async () => {
  const config = await read("deploy/nginx.conf");
  const seconds = (name: string) =>
    Number(new RegExp(`^\\s*${name} (\\d+)s;$`, "m").exec(config)?.[1]);
  assert.ok(seconds("client_header_timeout") <= 30, "client_header_timeout");
  assert.ok(seconds("client_body_timeout") <= 30, "client_body_timeout");
  assert.match(config, /^limit_conn_zone \$binary_remote_addr zone=(\w+):\d+m;$/m);
  const zone = /zone=(\w+):/.exec(config)![1];
  assert.match(config, new RegExp(`^\\s*limit_conn ${zone} \\d+;$`, "m"));
});

Deno.test("the compiled binary and `deno task dev` run with the start task's permissions and V8 flags", async () => {
  const { tasks } = JSON.parse(await read("deno.json"));
  const runtimeFlags = (task: string) =>
    task.split(/\s+/).filter((word) => /^--(allow-|v8-flags)/.test(word)).sort();
  const start = runtimeFlags(tasks.start);
  assert.ok(start.some((flag) => flag.startsWith("--v8-flags=")), "the start task tunes V8");
  assert.deepEqual(runtimeFlags(tasks.compile), start, "deno compile bakes in the same flags");
  assert.deepEqual(runtimeFlags(tasks.dev), start);
});

/** The upstream `deploy/nginx.conf` sends `uri` to, as nginx picks a location: the first matching regular expression, else `location /`. */
function nginxUpstreamOf(config: string, uri: string): string | undefined {
  const locations = [...config.matchAll(/^\s*location\s+(~\s+)?(\S+)\s*\{([^}]*)\}/gm)];
  const proxied = (body: string) => /proxy_pass\s+http:\/\/([\w-]+);/.exec(body)?.[1];
  const regex = locations.find(([, tilde, pattern]) => tilde && new RegExp(pattern).test(uri));
  if (regex) return proxied(regex[3]);
  return proxied(
    locations.find(([, tilde, prefix]) => !tilde && uri.startsWith(prefix))?.[3] ?? "",
  );
}

Deno.test("nginx sends every per-session route, /tools/ included, to the session's instance", async () => {
  const config = await read("deploy/nginx.conf");
  const map = /map \$uri \$gemini_live_session_id \{[^"]*"~([^"]+)"\s+\$id;/.exec(config);
  assert.ok(map, "the map that takes the session id from the path");
  const sessionId = (uri: string) => new RegExp(map[1]).exec(uri)?.groups?.id;
  for (const uri of ["/events/abc", "/send/abc", "/interrupt/abc", "/tools/abc/call-1"]) {
    assert.equal(sessionId(uri), "abc", `${uri}: the session id`);
    assert.equal(nginxUpstreamOf(config, uri), "gemini_live_sessions", `${uri}: hashed by session`);
  }
  for (const uri of ["/", "/static/js/app.js", "/healthz", "/login"]) {
    assert.equal(nginxUpstreamOf(config, uri), "gemini_live_instances", `${uri}: round robin`);
  }
});
