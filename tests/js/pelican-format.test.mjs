// The editor's file format, both ways, on every real content file: read then write gives the same bytes.
// Run by tests/test_editor.py with SSC_SCHEMA_JS (the generated admin/schema.js) and SSC_CONTENT set.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import vm from "node:vm";

const require = createRequire(import.meta.url);
vm.runInThisContext(readFileSync(process.env.SSC_SCHEMA_JS, "utf8"));
const format = require("../../plugins/ssc_editor/static/pelican-format.js");
const content = process.env.SSC_CONTENT;
const types = globalThis.SSC_SCHEMA.types;

const files = Object.keys(types).flatMap((folder) =>
  readdirSync(join(content, folder)).filter((name) => name.endsWith(".md")).map((name) => [folder, name]));

test("there are content files of every type", () => {
  assert.deepEqual([...new Set(files.map(([folder]) => folder))].sort(), Object.keys(types).sort());
});

for (const [folder, name] of files) {
  test(`${folder}/${name} is written back byte for byte`, () => {
    const text = readFileSync(join(content, folder, name), "utf8");
    const data = format.parse(text);
    assert.ok(data.title && data.slug && data.lang, "title, slug and lang are read");
    assert.equal(format.stringify(data, [...types[folder], "body"]), text);
  });
}

test("lists and numbers are read as such and written back as the header wrote them", () => {
  const data = format.parse("Title: T\nSlug: s\nLang: en\nOrder: 2\nSpeakers: a-b,  c\n\nBody\n");
  assert.deepEqual(data.speakers, ["a-b", "c"]);
  assert.equal(data.order, 2);
  assert.equal(data.body, "Body");
  assert.equal(format.stringify(data, types.sessions), "Title: T\nSlug: s\nLang: en\nOrder: 2\nSpeakers: a-b, c\n\nBody\n");
});

test("empty fields are left out, a line break in a value cannot end the header", () => {
  const out = format.parse(format.stringify({ title: "A\nSlug: evil", slug: "a", lang: "ko", summary: "", speakers: [], body: "" },
    types.sessions));
  assert.equal(out.title, "A Slug: evil");
  assert.equal(out.summary, undefined);
  assert.equal(out.body, "");
});
