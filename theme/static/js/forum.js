/* Progressive enhancement for the forum archive; every page reads fully without it.
   - Time zones: re-render every <time data-tz> in the visitor's zone and back; the choice is remembered.
   - Live state: "starts in" / "live now" from the times baked into the page (hidden otherwise).
   - Video facades: the YouTube iframe is created only when the visitor presses play. */
(function () {
  "use strict";
  var doc = document;
  var lang = doc.documentElement.lang || "en";
  var locale = lang === "ko" ? "ko-KR" : "en-GB";
  var EVENT_ZONE = "Asia/Seoul";
  var KEY = "ssc2020-time-zone";

  function localZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch (e) { return "UTC"; }
  }
  function fmt(date, zone, opts) {
    var o = { timeZone: zone };
    for (var k in opts) { o[k] = opts[k]; }
    return new Intl.DateTimeFormat(locale, o).format(date);
  }
  function zoneName(date, zone) {
    var parts = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: "long" }).formatToParts(date);
    for (var i = 0; i < parts.length; i++) { if (parts[i].type === "timeZoneName") { return parts[i].value; } }
    return zone;
  }
  function shortZone(date, zone) {
    var parts = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: "short" }).formatToParts(date);
    for (var i = 0; i < parts.length; i++) { if (parts[i].type === "timeZoneName") { return parts[i].value; } }
    return zone;
  }
  var DAY = { weekday: "short", day: "numeric", month: "short" };
  var LONG_DAY = lang === "ko" ? { year: "numeric", month: "long", day: "numeric", weekday: "short" }
                               : { weekday: "long", day: "numeric", month: "long", year: "numeric" };
  var TIME = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };

  function render(zone) {
    var times = doc.querySelectorAll("time[data-tz]");
    for (var i = 0; i < times.length; i++) {
      var el = times[i];
      if (!el.hasAttribute("data-event-text")) { el.setAttribute("data-event-text", el.textContent); }
      if (zone === EVENT_ZONE) { el.textContent = el.getAttribute("data-event-text"); continue; }
      var when = new Date(el.getAttribute("datetime"));
      var style = el.getAttribute("data-tz");
      if (style === "day") { el.textContent = fmt(when, zone, LONG_DAY); continue; }
      var text = fmt(when, zone, TIME);
      // A day that wraps: the local date differs from the event's date, so say which day.
      var eventDay = fmt(when, EVENT_ZONE, { year: "numeric", month: "2-digit", day: "2-digit" });
      var localDay = fmt(when, zone, { year: "numeric", month: "2-digit", day: "2-digit" });
      if (style === "datetime") { text = fmt(when, zone, LONG_DAY) + " " + text; }
      else if (eventDay !== localDay) { text = fmt(when, zone, DAY) + " " + text; }
      el.textContent = text;
    }
    var abbrs = doc.querySelectorAll("[data-tz-abbr]");
    for (var j = 0; j < abbrs.length; j++) {
      var a = abbrs[j];
      if (!a.hasAttribute("data-event-text")) {
        a.setAttribute("data-event-text", a.textContent);
        a.setAttribute("data-event-title", a.getAttribute("title") || "");
      }
      var t = a.previousElementSibling && a.previousElementSibling.getAttribute("datetime");
      var d = t ? new Date(t) : new Date();
      a.textContent = zone === EVENT_ZONE ? a.getAttribute("data-event-text") : shortZone(d, zone);
      a.setAttribute("title", zone === EVENT_ZONE ? a.getAttribute("data-event-title") : zoneName(d, zone));
    }
    var boxes = doc.querySelectorAll("[data-tz-switch] button");
    for (var k = 0; k < boxes.length; k++) {
      var b = boxes[k];
      var local = zone !== EVENT_ZONE;
      b.setAttribute("aria-pressed", local ? "true" : "false");
      b.textContent = b.getAttribute(local ? "data-label-event" : "data-label-local");
      var status = b.parentNode.parentNode.querySelector("[data-tz-status]");
      if (status) {
        status.textContent = local
          ? b.getAttribute("data-status-local").replace("{zone}", zoneName(new Date(), zone) + " (" + zone + ")")
          : b.getAttribute("data-status-event");
      }
    }
  }

  function setupTimeZones() {
    var switches = doc.querySelectorAll("[data-tz-switch]");
    if (!switches.length || !window.Intl) { return; }
    var mine = localZone();
    var stored = null;
    try { stored = window.localStorage.getItem(KEY); } catch (e) { stored = null; }
    for (var i = 0; i < switches.length; i++) {
      switches[i].hidden = false;
      switches[i].querySelector("button").addEventListener("click", function () {
        var now = this.getAttribute("aria-pressed") === "true" ? EVENT_ZONE : mine;
        try { window.localStorage.setItem(KEY, now === EVENT_ZONE ? "event" : "local"); } catch (e) { /* private mode */ }
        render(now);
      });
    }
    if (stored === "local" && mine !== EVENT_ZONE) { render(mine); }
  }

  function setupLiveStates() {
    var states = doc.querySelectorAll(".live-state[data-start]");
    if (!states.length) { return; }
    var rel = window.Intl && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat(locale, { numeric: "auto" }) : null;
    var live = lang === "ko" ? "지금 생중계 중" : "Live now";
    var starts = lang === "ko" ? "시작: " : "Starts ";
    function tick() {
      var now = Date.now();
      for (var i = 0; i < states.length; i++) {
        var el = states[i];
        var start = Date.parse(el.getAttribute("data-start"));
        var end = Date.parse(el.getAttribute("data-end"));
        if (now >= end) { el.hidden = true; el.className = "live-state"; continue; }
        if (now >= start) { el.textContent = live; el.className = "live-state is-live"; el.hidden = false; continue; }
        var mins = Math.round((start - now) / 60000);
        var text = mins < 60 ? rel && rel.format(mins, "minute") : mins < 2880 ? rel && rel.format(Math.round(mins / 60), "hour")
          : rel && rel.format(Math.round(mins / 1440), "day");
        if (text) { el.textContent = starts + text; el.className = "live-state"; el.hidden = false; }
      }
    }
    tick();
    window.setInterval(tick, 30000);
  }

  function setupFacades() {
    var facades = doc.querySelectorAll(".video-facade[data-embed]");
    for (var i = 0; i < facades.length; i++) {
      var button = facades[i].querySelector(".video-play");
      if (!button) { continue; }
      button.hidden = false;
      button.addEventListener("click", function () {
        var figure = this.closest(".video-facade");
        var frame = doc.createElement("iframe");
        frame.src = figure.getAttribute("data-embed");
        frame.title = figure.getAttribute("data-title");
        frame.setAttribute("allow", "autoplay; encrypted-media; picture-in-picture; fullscreen");
        frame.setAttribute("allowfullscreen", "");
        frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
        frame.setAttribute("tabindex", "0");
        var poster = figure.querySelector(".video-poster");
        poster.parentNode.replaceChild(frame, poster);
        frame.focus();
      });
    }
  }

  setupTimeZones();
  setupLiveStates();
  setupFacades();
})();
