// Live grade preview on the marking sheet. Progressive enhancement only: without this
// file the "Preview grade" button posts the whole page and the server renders the same box.
document.addEventListener("DOMContentLoaded", () => {
  // On a tablet or phone the grade preview starts folded to its heading, opened on request, so
  // the criteria keep the screen and no focused field hides behind it (open on a laptop).
  const folding = document.querySelector("details[data-grade-preview]");
  if (folding && window.matchMedia("(max-width: 899px)").matches) folding.open = false;
  const form = document.querySelector("form[data-marking-sheet]");
  const box = document.getElementById("grade-preview");
  if (!form || !box || !window.fetch) return;
  const url = form.dataset.previewUrl;
  let timer = null;
  let latest = 0;

  const refresh = async () => {
    const ticket = ++latest;
    const body = new FormData(form);
    body.set("intent", "preview");
    try {
      const response = await fetch(url, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      });
      // Only the newest answer is shown, so a slow reply never replaces a newer one.
      if (response.ok && ticket === latest) box.innerHTML = await response.text();
    } catch (error) {
      // Offline or the server is unreachable: the preview button still works on reconnect.
    }
  };

  const schedule = (delay) => {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, delay);
  };

  // Radios and checkboxes change the grade at once; typing a note does not, so wait.
  form.addEventListener("change", () => schedule(150));
  const button = form.querySelector("[data-preview-button]");
  if (button) button.hidden = true;
});
