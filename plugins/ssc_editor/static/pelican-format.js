/*
 * Pelican's Markdown files for the editor: a header of `Field: value` lines, a blank line, the body.
 *
 * Registered with Decap CMS as the format "pelican", so the editor reads and writes our files
 * as they are (no YAML front matter). Field names, their order and which are lists or numbers
 * come from `schema.js` (generated from plugins/ssc_forum/schema.py). Reading a file and writing
 * it again gives the same bytes (tests/test_editor.py runs this over every content file).
 * Also registers the widget that fills `Lang:` with the language of its side of the editor.
 */
(function (root) {
  "use strict";

  var HEADER_LINE = /^([A-Za-z][A-Za-z0-9_]*):[ \t]*(.*)$/;

  function schema() {
    return root.SSC_SCHEMA || { order: [], lists: [], ints: [] };
  }

  function headerName(name) {
    return name.charAt(0).toUpperCase() + name.slice(1);
  }

  /** Read a file's text into `{field: value, ..., body}`. */
  function parse(text) {
    var s = schema();
    var data = {};
    var lines = text.replace(/\r\n?/g, "\n").split("\n");
    var i = 0;
    for (; i < lines.length; i++) {
      var match = HEADER_LINE.exec(lines[i]);
      if (!match) break;
      var name = match[1].toLowerCase();
      var value = match[2].trim();
      if (s.lists.indexOf(name) >= 0) {
        data[name] = value.split(",").map(function (part) { return part.trim(); }).filter(Boolean);
      } else if (s.ints.indexOf(name) >= 0 && /^\d+$/.test(value)) {
        data[name] = Number(value);
      } else {
        data[name] = value;
      }
    }
    if (i < lines.length && lines[i] === "") i++;
    data.body = lines.slice(i).join("\n").replace(/\n+$/, "");
    return data;
  }

  function present(value) {
    if (value === undefined || value === null) return false;
    if (Array.isArray(value)) return value.length > 0;
    return String(value).trim() !== "";
  }

  /** Write `{field: value, ..., body}` as a file, fields in `order` (the collection's), then any others. */
  function stringify(data, order) {
    var s = schema();
    var names = (order && order.length ? order : s.order).slice();
    Object.keys(data).forEach(function (name) {
      if (names.indexOf(name) < 0) names.push(name);
    });
    var header = [];
    names.forEach(function (name) {
      if (name === "body" || !present(data[name])) return;
      var value = data[name];
      // A value is one line: an editor's line break would end the header early.
      var text = Array.isArray(value) ? value.join(", ") : String(value);
      header.push(headerName(name) + ": " + text.replace(/\s*[\r\n]+\s*/g, " ").trim());
    });
    var body = String(data.body || "").replace(/\r\n?/g, "\n").replace(/\n+$/, "");
    return header.join("\n") + "\n" + (body ? "\n" + body + "\n" : "");
  }

  var api = { parse: parse, stringify: stringify };
  root.SSCFormat = api;

  if (root.CMS) {
    root.CMS.registerCustomFormat("pelican", "md", {
      fromFile: parse,
      toFile: function (data, sortedKeys) { return stringify(data, sortedKeys); },
    });
  }

  if (root.CMS && root.createClass && root.h) {
    var h = root.h;
    var LABELS = { ko: "한국어 (ko)", en: "English (en)" };
    // `Lang:` is the language of the side of the editor the field is on: never typed.
    var LangControl = root.createClass({
      componentDidMount: function () { this.follow(); },
      componentDidUpdate: function () { this.follow(); },
      follow: function () {
        var locale = this.props.locale || "ko";
        if (this.props.value !== locale) this.props.onChange(locale);
      },
      render: function () {
        var locale = this.props.locale || "ko";
        return h("output", { id: this.props.forID, className: this.props.classNameWrapper, lang: locale },
          LABELS[locale] || locale);
      },
    });
    var LangPreview = function (props) { return h("span", null, props.value); };
    root.CMS.registerWidget("ssc-lang", LangControl, LangPreview);
  }

  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
