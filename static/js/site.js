// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // After HTMX swaps a region, move focus where a keyboard or screen-reader user expects it:
  // the error summary if the swap shows errors, otherwise the region's heading.
  function focusAfterSwap(root) {
    var target = root.querySelector("[data-focus-on-load]");
    if (!target) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
  }

  document.addEventListener("htmx:afterSettle", function () {
    focusAfterSwap(document);
  });

  // On a full page load with errors, focus the error summary too.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary[data-focus-on-load]");
    if (summary) summary.focus();
  });

  // Copy-link buttons: the link is also plain selectable text for anyone without JavaScript.
  // Their messages are translated by the page (data-copy-* on <body>, from base.html).
  function message(name, fallback) {
    return (document.body && document.body.getAttribute("data-copy-" + name)) || fallback;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-copy-target"));
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (!source) return;
    var text = source.value || source.textContent;
    var done = function () { if (status) status.textContent = message("done", "Link copied."); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text.trim()).then(done, function () {
        if (status) status.textContent = message("failed", "Could not copy: select the link and copy it yourself.");
      });
    } else if (source.select) {
      source.select();
      if (status) status.textContent = message("selected", "Link selected: press Ctrl+C (or Cmd+C) to copy.");
    }
  });
  document.querySelectorAll("[data-copy-target]").forEach(function (b) { b.hidden = false; });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-copy-target]").forEach(function (b) { b.hidden = false; });
  });
})();
