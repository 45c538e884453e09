/* Progressive enhancement for the forum archive; every page reads fully without it.
   - Time zones: re-render every <time data-tz> in the visitor's zone and back; the choice is remembered.
   - Live state: "starts in" / "live now" from the times baked into the page (hidden otherwise).
   - Video facades: the YouTube iframe is created only when the visitor presses play.
   - Phone menu: Escape closes the full-screen menu and gives the focus back to its button.
   The words and date patterns of the page's language come from `data-*` attributes the templates write from
   the catalogues and the languages' table: the time-zone switch carries the locale and the CLDR patterns
   (`EEEE d MMMM y`, `{day}, {time}`, …), each live state its locale and words. */
(function () {
  "use strict";
  var doc = document;
  var locale;  // the page's, from the element whose text is being written
  var formats;  // the time-zone switch: its data-* attributes
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
  function zonePart(date, zone, style) {
    var parts = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: style }).formatToParts(date);
    for (var i = 0; i < parts.length; i++) { if (parts[i].type === "timeZoneName") { return parts[i].value; } }
    return zone;
  }
  // Zones are named as they were at `date` (the date the page shows), so September 2020 in London is
  // British Summer Time (BST), not today's Greenwich Mean Time.
  function zoneName(date, zone) { return zonePart(date, zone, "long"); }
  function shortZone(date, zone) { return zonePart(date, zone, "short"); }
  // `{name} ({abbr}, {offset})` with its places filled (a `$` in a value stays a `$`).
  function fill(pattern, values) {
    return pattern.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }
  function zoneLabel(date, zone) {
    // As the page writes the event's zone: 한국 표준시(KST, UTC+09:00) / Korea Standard Time (KST, UTC+09:00).
    return fill(formats.getAttribute("data-zone-label"), { name: zoneName(date, zone), abbr: shortZone(date, zone), offset: zone });
  }
  function partsOf(date, zone, opts) {
    var o = { timeZone: zone };
    for (var k in opts) { o[k] = opts[k]; }
    var out = {};
    var parts = new Intl.DateTimeFormat(locale, o).formatToParts(date);
    for (var i = 0; i < parts.length; i++) { out[parts[i].type] = parts[i].value; }
    return out;
  }
  // The fields of CLDR date patterns the catalogues use, as Intl's options: each is filled with Intl's part of
  // that name, so a date reads as the build writes it (2020년 9월 22일(화), Tuesday 22 September 2020).
  var FIELDS = {
    y: ["year", "numeric"], yy: ["year", "2-digit"], yyyy: ["year", "numeric"],
    M: ["month", "numeric"], MM: ["month", "2-digit"], MMM: ["month", "short"], MMMM: ["month", "long"],
    d: ["day", "numeric"], dd: ["day", "2-digit"],
    E: ["weekday", "short"], EE: ["weekday", "short"], EEE: ["weekday", "short"], EEEE: ["weekday", "long"],
    H: ["hour", "numeric"], HH: ["hour", "2-digit"], m: ["minute", "numeric"], mm: ["minute", "2-digit"]
  };
  function pattern(date, zone, name) {
    var tokens = formats.getAttribute("data-" + name).match(/'[^']*'|([A-Za-z])\1*|[^A-Za-z']+/g) || [];
    var opts = { hourCycle: "h23" };
    for (var i = 0; i < tokens.length; i++) {
      var f = FIELDS[tokens[i]];
      if (f) { opts[f[0]] = f[1]; }
    }
    var p = partsOf(date, zone, opts);
    var out = "";
    for (var j = 0; j < tokens.length; j++) {
      var t = tokens[j];
      out += FIELDS[t] ? p[FIELDS[t][0]] : t.charAt(0) === "'" ? (t === "''" ? "'" : t.slice(1, -1)) : t;
    }
    return out;
  }

  // The date the page shows: its first time in the main text (a session's own day), else the programme's start.
  function refDate() {
    var first = doc.querySelector("main time[datetime]") || doc.querySelector("[data-tz-ref]");
    if (!first) { return new Date(); }
    return new Date(first.getAttribute(first.hasAttribute("datetime") ? "datetime" : "data-tz-ref"));
  }
  function remember(el) {
    if (!el.hasAttribute("data-event-text")) { el.setAttribute("data-event-text", el.textContent); }
  }

  function render(zone) {
    var event = zone === EVENT_ZONE;
    var times = doc.querySelectorAll("time[data-tz]");
    for (var i = 0; i < times.length; i++) {
      var el = times[i];
      remember(el);
      if (event) { el.textContent = el.getAttribute("data-event-text"); continue; }
      var when = new Date(el.getAttribute("datetime"));
      var style = el.getAttribute("data-tz");
      if (style === "day") { el.textContent = pattern(when, zone, "day"); continue; }
      var text = pattern(when, zone, "time");
      // A day that wraps: the local date differs from the event's date, so say which day.
      var eventDay = fmt(when, EVENT_ZONE, { year: "numeric", month: "2-digit", day: "2-digit" });
      var localDay = fmt(when, zone, { year: "numeric", month: "2-digit", day: "2-digit" });
      if (style === "datetime") { text = fill(formats.getAttribute("data-datetime"), { day: pattern(when, zone, "day"), time: text }); }
      else if (eventDay !== localDay) { text = fill(formats.getAttribute("data-other-day"), { day: pattern(when, zone, "short-day"), time: text }); }
      el.textContent = text;
    }
    // Every abbreviation, caption, label and footer line that names the zone names the one in use.
    var abbrs = doc.querySelectorAll("[data-tz-abbr]");
    for (var j = 0; j < abbrs.length; j++) {
      var a = abbrs[j];
      remember(a);
      if (!a.hasAttribute("data-event-title")) { a.setAttribute("data-event-title", a.getAttribute("title") || ""); }
      var d = a.hasAttribute("data-tz-ref") ? new Date(a.getAttribute("data-tz-ref")) : refDate();
      a.textContent = event ? a.getAttribute("data-event-text") : shortZone(d, zone);
      a.setAttribute("title", event ? a.getAttribute("data-event-title") : zoneLabel(d, zone));
    }
    var names = doc.querySelectorAll("[data-tz-name]");
    for (var n = 0; n < names.length; n++) {
      var z = names[n];
      remember(z);
      var ref = z.hasAttribute("data-tz-ref") ? new Date(z.getAttribute("data-tz-ref")) : refDate();
      z.textContent = event ? z.getAttribute("data-event-text")
        : z.getAttribute("data-tz-name") === "name" ? zoneName(ref, zone) : zoneLabel(ref, zone);
    }
    var boxes = doc.querySelectorAll("[data-tz-switch] button");
    for (var k = 0; k < boxes.length; k++) {
      var b = boxes[k];
      b.setAttribute("aria-pressed", event ? "false" : "true");
      b.textContent = b.getAttribute(event ? "data-label-local" : "data-label-event");
      var box = b.closest("[data-tz-ref]");
      var status = box && box.querySelector("[data-tz-status]");
      if (status) {
        status.textContent = event ? b.getAttribute("data-status-event")
          : b.getAttribute("data-status-local").replace("{zone}", zoneLabel(refDate(), zone));
      }
    }
  }

  function setupTimeZones() {
    var switches = doc.querySelectorAll("[data-tz-switch]");
    if (!switches.length || !window.Intl) { return; }
    formats = switches[0];
    locale = formats.getAttribute("data-locale");
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
    var first = states[0];
    var rel = window.Intl && Intl.RelativeTimeFormat
      ? new Intl.RelativeTimeFormat(first.getAttribute("data-locale"), { numeric: "auto" }) : null;
    var live = first.getAttribute("data-live");
    var starts = first.getAttribute("data-starts");
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
        if (text) { el.textContent = fill(starts, { when: text }); el.className = "live-state"; el.hidden = false; }
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

  function setupMenu() {
    var menu = doc.querySelector(".menu-mobile");
    if (!menu) { return; }
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  }

  setupTimeZones();
  setupLiveStates();
  setupFacades();
  setupMenu();
})();
