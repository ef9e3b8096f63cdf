import assert from "node:assert/strict";
import { Hono } from "hono";
import { listStaticFiles, staticFiles } from "./static_files.ts";

/** A site folder with a secret beside it, a dotfile, and symlinks in and out. */
async function site(): Promise<{ dir: string; root: URL; [Symbol.asyncDispose](): Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "static_files_test_" });
  await Deno.mkdir(`${dir}/static/js`, { recursive: true });
  await Deno.mkdir(`${dir}/static/.git`);
  await Deno.writeTextFile(`${dir}/.env`, "GOOGLE_API_KEY=secret");
  await Deno.writeTextFile(`${dir}/static/index.html`, "<p>page</p>");
  await Deno.writeTextFile(`${dir}/static/js/app.js`, "app();");
  await Deno.writeTextFile(`${dir}/static/.env`, "GOOGLE_API_KEY=secret");
  await Deno.writeTextFile(`${dir}/static/.git/config`, "secret");
  await Deno.symlink(`${dir}/.env`, `${dir}/static/env.txt`);
  await Deno.symlink(dir, `${dir}/static/up`);
  return {
    dir,
    root: new URL(`file://${dir}/static/`),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

Deno.test("the listing holds the regular files only: no dotfiles, nothing through a symlink", async () => {
  await using s = await site();
  const listing = await listStaticFiles(s.root);
  assert.deepEqual([...listing.files].sort(), ["index.html", "js/app.js"]);
  assert.deepEqual([...listing.directories].sort(), [".", "js"]);
});

Deno.test("static paths reach listed files only, however a path above the folder is spelled", async () => {
  await using s = await site();
  const app = new Hono()
    .get("/", staticFiles(s.root, "", "index.html"))
    .get("/static/*", staticFiles(s.root, "/static"));
  const get = (path: string) => app.request(`http://127.0.0.1${path}`);
  assert.equal(await (await get("/")).text(), "<p>page</p>");
  assert.equal(await (await get("/static/js/app.js")).text(), "app();");
  assert.equal(await (await get("/static/")).text(), "<p>page</p>");
  for (
    const path of [
      "/static/%20../.env",
      "/static/%09../.env",
      "/static/%C2%A0../.env",
      "/static/%E2%80%83../.env",
      "/static/%EF%BB%BF../.env",
      "/static/..%20/.env",
      "/static/%20..%20/.env",
      "/static/js/%20../%20../.env",
      "/static/.%2e/.env",
      "/static/%2e%2e%2f.env",
      "/static/..%5c.env",
      "/static//.env",
      "/static/.env",
      "/static/.git/config",
      "/static/env.txt",
      "/static/up/.env",
      "/static/up/static/index.html",
      "/static/js/app.js%20",
      "/static/js/app.js%00",
      "/static/js//app.js",
    ]
  ) {
    const response = await get(path);
    const body = await response.text();
    assert.equal(response.status, 404, `${path} → ${response.status} ${body}`);
    assert.doesNotMatch(body, /secret/, path);
  }
});
