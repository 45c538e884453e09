/* Live preview (served by `python3 make.py livereload` only, never part of a build).
   Listens to the preview's event stream: reloads the page when a newer build is served, and shows the
   problems of a saved mistake in a dialog over the last good page until the file is fixed. */
(function () {
  "use strict";
  var doc = document;
  var script = doc.currentScript;
  var build = script.getAttribute("data-build");
  // The words come from the editors' catalogue, in the editor's language (the language of the
  // problems in the dialog and of the terminal), whatever the language of the page behind it.
  var TEXT = JSON.parse(script.getAttribute("data-text"));
  var KEY = "ssc-preview-dismissed";
  var dialog = null;
  var shown = "";

  function stylesheet() {
    if (doc.getElementById("ssc-preview-css")) { return; }
    var link = doc.createElement("link");
    link.id = "ssc-preview-css";
    link.rel = "stylesheet";
    link.href = script.src.replace(/live\.js(\?.*)?$/, "live.css");
    doc.head.appendChild(link);
  }

  function element(name, className, text) {
    var node = doc.createElement(name);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function remembered() {
    try { return sessionStorage.getItem(KEY) || ""; } catch (e) { return ""; }
  }
  function remember(value) {
    try { sessionStorage.setItem(KEY, value); } catch (e) { /* private mode: forget it */ }
  }

  function hide() {
    if (dialog) {
      var closing = dialog;
      dialog = null;  // closed by the preview, not by the reader: nothing to remember
      if (closing.open) { closing.close(); }
      closing.remove();
    }
    shown = "";
  }

  function show(problems) {
    var signature = JSON.stringify(problems);
    if (signature === shown || signature === remembered()) { return; }
    hide();
    stylesheet();
    shown = signature;
    dialog = element("dialog", "ssc-preview");
    dialog.lang = TEXT.lang;
    dialog.setAttribute("aria-labelledby", "ssc-preview-title");
    dialog.setAttribute("aria-describedby", "ssc-preview-intro");
    dialog.tabIndex = -1;
    var heading = element("h2", "ssc-preview__title", TEXT.title);
    heading.id = "ssc-preview-title";
    var intro = element("p", "ssc-preview__intro", TEXT.intro);
    intro.id = "ssc-preview-intro";
    var list = element("ul", "ssc-preview__problems");
    problems.forEach(function (problem) {
      var item = element("li");
      if (problem.file) {
        var where = problem.file + (problem.line ? ":" + problem.line : "");
        var place = element("code", "ssc-preview__where", where);
        if (problem.line) {
          place.setAttribute("aria-label", TEXT.where.replace("{file}", problem.file).replace("{line}", problem.line));
        }
        item.appendChild(place);
        item.appendChild(doc.createTextNode(" "));
      }
      item.appendChild(element("span", "ssc-preview__message", problem.message));
      list.appendChild(item);
    });
    var close = element("button", "ssc-preview__close", TEXT.close);
    close.type = "button";
    var own = dialog;
    close.addEventListener("click", function () { own.close(); });
    // Closed by the button or Escape: not shown again for the same problems, on any page of this tab.
    own.addEventListener("close", function () { if (dialog === own) { remember(signature); } });
    dialog.appendChild(heading);
    dialog.appendChild(intro);
    dialog.appendChild(list);
    dialog.appendChild(close);
    doc.body.appendChild(dialog);
    dialog.showModal();
    dialog.focus();
  }

  // A stopped preview is asked again, less and less often; a restarted one answers within a second.
  var delay = 250;
  function listen() {
    var events = new EventSource(script.getAttribute("data-events"));
    events.onopen = function () { delay = 250; };
    events.onerror = function () {
      events.close();
      window.setTimeout(listen, delay);
      delay = Math.min(2 * delay, 4000);
    };
    events.onmessage = function (message) {
      var state = JSON.parse(message.data);
      if (state.build !== build) {
        events.close();
        location.reload();
        return;
      }
      if (state.problems && state.problems.length) {
        show(state.problems);
      } else {
        hide();
        remember("");
      }
    };
  }

  listen();
})();
