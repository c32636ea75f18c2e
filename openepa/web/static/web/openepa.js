// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to an error summary so keyboard and screen-reader users hear it first.
  const summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  summary.focus();
  // Each error links to its field. A group of radios or tick boxes is a fieldset, which
  // cannot take focus: move focus to its first input instead. Its legend or label is
  // scrolled into view with it, as GOV.UK's error summary does.
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const target = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) return;
    const input = target.matches("input, select, textarea")
      ? target
      : target.querySelector("input, select, textarea");
    if (!input) return;
    event.preventDefault();
    const legend = target.tagName === "FIELDSET" ? target.querySelector("legend") : null;
    const label = legend || (input.labels && input.labels[0]) || input;
    label.scrollIntoView({ block: "start" });
    input.focus({ preventScroll: true });
  });
});
