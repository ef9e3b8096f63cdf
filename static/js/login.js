/**
 * The sign-in page shown when the server has an ACCESS_TOKEN: posts the token
 * once; the server answers with an HttpOnly cookie, then the app loads.
 */
const form = /** @type {HTMLFormElement} */ (document.getElementById("loginForm"));
const input = /** @type {HTMLInputElement} */ (document.getElementById("accessToken"));
const status = /** @type {HTMLElement} */ (document.getElementById("status"));

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  status.textContent = "Signing in…";
  status.classList.remove("is-error");
  try {
    const response = await fetch("/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: input.value }),
    });
    if (response.ok) {
      location.assign("/");
      return;
    }
    const body = await response.json().catch(() => ({}));
    status.textContent = typeof body.error === "string"
      ? body.error
      : `Sign-in failed (HTTP ${response.status}).`;
  } catch {
    status.textContent = "Could not reach the server. Check your connection.";
  }
  status.classList.add("is-error");
  input.select();
});
