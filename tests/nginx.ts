/**
 * Finds and runs the nginx that load balancer tests put in front of the
 * service. Without one, tests skip with a message on a developer's machine and
 * fail in CI (`CI=true`).
 *
 * @module
 */

import { programPath, type RequiredProgram, skipWithout } from "./required_program.ts";
import { watchProcess } from "./watched_process.ts";

const NGINX: RequiredProgram = {
  name: "nginx",
  envVar: "NGINX_PATH",
  candidates: ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"],
  debianPackage: "nginx-light",
  tests: "load balancer tests",
};

/** Path of an nginx binary, from `NGINX_PATH` or the usual places. */
export function nginxPath(): string | undefined {
  return programPath(NGINX);
}

/** True when nginx tests must skip: no nginx here and not in CI. */
export function skipNginxTests(): boolean {
  return skipWithout(NGINX);
}

/** One line of the access log. */
export interface LoggedRequest {
  method: string;
  uri: string;
  /** Instances tried, in order (`host:port`); more than one when nginx retried. */
  upstreams: string[];
  /** Their answers, in order (`502` for a refused connection). */
  upstreamStatuses: string[];
  /** What the client got. */
  status: string;
}

/** A running nginx, in the foreground, with its files in a temporary folder. */
export interface Nginx {
  /** Base URL of its `listen` address. */
  baseUrl: string;
  /** Requests logged so far (nginx logs a request when it ends). */
  accessLog(): Promise<LoggedRequest[]>;
  /** Stops it and removes its folder. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A free loopback port, found by listening on port 0 and closing at once. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

/**
 * Starts nginx with `httpConfig` (directives of the `http` block, e.g. an
 * `/etc/nginx/conf.d/` file) listening on `port`, and waits until it answers.
 * Temporary files, pid and logs stay in a temporary folder, so it runs as
 * root or not; its access log tells where each request went.
 */
export async function startNginx(
  httpConfig: string,
  port: number,
  { workerConnections = 1024 } = {},
): Promise<Nginx> {
  const dir = await Deno.makeTempDir({ prefix: "nginx_test_" });
  // As root, nginx would switch its workers to `nobody`, who cannot enter
  // the temporary folder; as anyone else it stays that user.
  const asRoot = Deno.uid() === 0;
  const main = `
${asRoot ? "user root;" : ""}
worker_processes 1;
worker_rlimit_nofile ${workerConnections * 2};
events { worker_connections ${workerConnections}; }
http {
  log_format routed '$request_method|$uri|$upstream_addr|$upstream_status|$status';
  access_log ${dir}/access.log routed;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  include ${dir}/site.conf;
}
`;
  await Deno.writeTextFile(`${dir}/site.conf`, httpConfig);
  await Deno.writeTextFile(`${dir}/nginx.conf`, main);
  const nginx = watchProcess(
    new Deno.Command(nginxPath()!, {
      args: [
        "-p",
        `${dir}/`,
        "-e",
        "stderr",
        "-c",
        `${dir}/nginx.conf`,
        "-g",
        `daemon off; pid ${dir}/nginx.pid; error_log stderr warn;`,
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }),
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  let stopped: Promise<void> | undefined;
  const stop = () =>
    stopped ??= (async () => {
      await nginx.stop();
      await Deno.remove(dir, { recursive: true });
    })();
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (nginx.exited()) {
      await stop();
      throw new Error(`nginx exited at start: ${nginx.stderr()}`);
    }
    try {
      const response = await fetch(`${baseUrl}/healthz`);
      await response.body?.cancel();
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`nginx did not answer within 10 s: ${nginx.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    baseUrl,
    async accessLog() {
      const text = await Deno.readTextFile(`${dir}/access.log`).catch(() => "");
      return text.split("\n").filter(Boolean).map((line) => {
        const [method, uri, upstreams, upstreamStatuses, status] = line.split("|");
        return {
          method,
          uri,
          upstreams: upstreams.split(/, | : /),
          upstreamStatuses: upstreamStatuses.split(/, | : /),
          status,
        };
      });
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
