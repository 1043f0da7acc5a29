// Pantry console: the delete dialog and the progress of its operations.
// Speaks to the same /v1/ API as the CLI, with the session cookie and the page's
// CSRF token (sent as X-CSRF-Token on every state-changing request).
"use strict";

(function () {
  const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content ?? "";
  const heading = document.getElementById("package");
  const dialog = document.getElementById("confirm");
  if (!heading || !dialog) return;

  const api = meta("api-base") + "/v1";
  const csrf = meta("csrf-token");
  const repository = heading.dataset.repository;
  const pkg = heading.dataset.package;
  const list = document.getElementById("confirm-list");
  const progress = document.getElementById("progress");
  const enc = encodeURIComponent;
  let pending = [];

  function ask(items) {
    pending = items;
    list.replaceChildren(...items.map((item) => {
      const li = document.createElement("li");
      li.textContent = item.label; // text, never HTML: names come from uploads
      return li;
    }));
    dialog.showModal();
  }

  document.getElementById("delete-versions").addEventListener("click", () => {
    const picked = [...document.querySelectorAll("input.pick:checked")];
    if (picked.length === 0) {
      progress.textContent = "Select at least one version first.";
      return;
    }
    ask(picked.map((box) => ({
      label: `Version ${box.dataset.version} of ${pkg} (${box.dataset.files} files)`,
      path: `/repositories/${enc(repository)}/packages/${enc(pkg)}/versions/${enc(box.dataset.version)}`,
    })));
  });

  document.getElementById("delete-package").addEventListener("click", () => {
    ask([{ label: `Package ${pkg}, every version and file`,
           path: `/repositories/${enc(repository)}/packages/${enc(pkg)}`, whole: true }]);
  });

  async function call(method, path) {
    const response = await fetch(api + path, {
      method, credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, Accept: "application/json" },
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body?.error?.message ?? `HTTP ${response.status}`);
    return body;
  }

  async function follow(operation) {
    while (!operation.done) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      operation = await call("GET", `/operations/${enc(operation.id)}`);
    }
    if (operation.status !== "done") throw new Error(operation.error ?? "the delete failed");
    return operation;
  }

  dialog.addEventListener("close", async () => {
    if (dialog.returnValue !== "delete") return;
    const items = pending;
    try {
      let finished = 0;
      progress.textContent = `Deleting ${items.length} item(s)…`;
      const operations = await Promise.all(items.map((item) => call("DELETE", item.path)));
      await Promise.all(operations.map(async (operation) => {
        await follow(operation);
        finished += 1;
        progress.textContent = `Deleted ${finished} of ${items.length}.`;
      }));
      progress.textContent = "Done.";
      if (items.some((item) => item.whole)) {
        window.location.assign(`${meta("api-base")}/console/repositories/${enc(repository)}`);
      } else {
        window.location.reload();
      }
    } catch (error) {
      progress.textContent = `Delete failed: ${error.message}`;
    }
  });
})();
