// Builds the portal's NL Design System stylesheets: src/knooppunt/static/nlds/nlds.css (tokens
// and components), nlds/fonts.css and the font files beside them. Run through `make css` (npm ci, then this script); the output is
// committed, so `make run` needs no Node.js. `--check` compares instead of writing and exits 1
// when the committed files differ from what the installed packages produce.
//
// What goes in, in this order:
//   1. Source Sans 3 from @fontsource (latin and latin-ext, 400/600/700 and 400 italic, woff2);
//   2. the Voorbeeld design tokens under our own root class `.knooppunt-theme`, with their
//      palette references pointed at the Knooppunt palette;
//   3. frontend/tokens.css: that palette and the tokens where Knooppunt differs from Voorbeeld;
//   4. the Utrecht component library CSS, only the components in COMPONENTS below.
import { createRequire } from "node:module";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import postcss from "postcss";

const require = createRequire(import.meta.url);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT_DIR = join(ROOT, "src", "knooppunt", "static", "nlds");
const OUT_CSS = join(OUT_DIR, "nlds.css");
const OUT_FONTS = join(OUT_DIR, "fonts.css"); // apart, so the console can load the fonts alone
const FONT_DIR = join(OUT_DIR, "fonts");
const check = process.argv.includes("--check");

// The Utrecht components the templates use (the block names of their BEM classes).
const COMPONENTS = new Set([
  "alert",
  "body",
  "button",
  "button-group",
  "button-link",
  "checkbox",
  "code",
  "code-block",
  "data-list",
  "document",
  "form-field",
  "form-field-description",
  "form-field-error-message",
  "form-fieldset",
  "form-label",
  "form-toggle",
  "heading-1",
  "heading-2",
  "heading-3",
  "link",
  "link-button",
  "link-list",
  "ordered-list",
  "page",
  "page-content",
  "page-footer",
  "page-header",
  "paragraph",
  "radio-button",
  "root",
  "select",
  "skip-link",
  "status-badge",
  "table",
  "textarea",
  "textbox",
  "unordered-list",
]);
const FONT_FACES = ["400", "400-italic", "600", "700"];
const FONT_SUBSETS = new Set(["latin", "latin-ext"]);

const pkg = (name) => dirname(require.resolve(`${name}/package.json`));
const version = (name) => JSON.parse(readFileSync(join(pkg(name), "package.json"), "utf8")).version;

function fonts() {
  const base = pkg("@fontsource/source-sans-3");
  const files = [];
  const blocks = [];
  for (const face of FONT_FACES) {
    const root = postcss.parse(readFileSync(join(base, `${face}.css`), "utf8"));
    root.walkAtRules("font-face", (rule) => {
      let src = "";
      rule.walkDecls("src", (decl) => (src = decl.value));
      const file = /url\(\.\/files\/([^)]+\.woff2)\)/.exec(src)?.[1];
      const subset = /^source-sans-3-(.+)-\d{3}-(normal|italic)\.woff2$/.exec(file ?? "")?.[1];
      if (!file || !FONT_SUBSETS.has(subset)) return;
      rule.walkDecls("src", (decl) => (decl.value = `url(fonts/${file}) format("woff2")`));
      files.push(join(base, "files", file));
      blocks.push(rule.toString());
    });
  }
  return { css: blocks.join("\n"), files };
}

function theme() {
  const tokens = readFileSync(
    join(pkg("@nl-design-system-unstable/voorbeeld-design-tokens"), "dist", "theme.css"),
    "utf8",
  );
  // Our root class, and the Voorbeeld palette's hues replaced by Knooppunt's (tokens.css).
  const ours = tokens
    .replaceAll(".voorbeeld-theme", ".knooppunt-theme")
    .replaceAll("var(--voorbeeld-kleuren-violet-", "var(--knooppunt-kleuren-blauw-")
    .replaceAll("var(--voorbeeld-kleuren-blauw-", "var(--knooppunt-kleuren-blauw-")
    .replaceAll("var(--voorbeeld-kleuren-oranje-", "var(--knooppunt-kleuren-oranje-")
    .replace(/^\/\*\*[\s\S]*?\*\/\s*/, "");
  // Only the tokens of the Utrecht components and the basis tokens they build on; Voorbeeld
  // also themes other libraries (Den Haag, Amsterdam, ...), which the portal does not load.
  const root = postcss.parse(ours);
  const decls = new Map();
  root.walkDecls((decl) => decls.set(decl.prop, decl));
  const keep = new Set([...decls.keys()].filter((p) => /^--(utrecht|basis|voorbeeld)-/.test(p)));
  const queue = [...keep];
  while (queue.length) {
    const value = decls.get(queue.pop())?.value ?? "";
    for (const [, name] of value.matchAll(/var\((--[a-z0-9-]+)/g)) {
      if (!keep.has(name) && decls.has(name)) {
        keep.add(name);
        queue.push(name);
      }
    }
  }
  root.walkDecls((decl) => {
    if (!keep.has(decl.prop)) decl.remove();
  });
  return root.toString() + "\n" + readFileSync(join(ROOT, "frontend", "tokens.css"), "utf8");
}

function blocksOf(selector) {
  return [...selector.matchAll(/\.utrecht-([a-z0-9]+(?:-[a-z0-9]+)*)/g)].map((m) =>
    m[1].replace(/(__|--).*$/, ""),
  );
}

function components() {
  const file = join(pkg("@utrecht/component-library-css"), "dist", "index.css");
  const root = postcss.parse(readFileSync(file, "utf8"));
  root.walkComments((comment) => comment.remove());
  root.walkRules((rule) => {
    if (rule.parent?.type === "atrule" && /keyframes/.test(rule.parent.name)) return;
    const kept = rule.selectors.filter((s) => blocksOf(s).every((b) => COMPONENTS.has(b)));
    if (kept.length === 0) rule.remove();
    else rule.selectors = kept;
  });
  // Drop at-rules (@media, @supports) left empty.
  let removed = true;
  while (removed) {
    removed = false;
    root.walkAtRules((at) => {
      if (at.nodes && at.nodes.length === 0) {
        at.remove();
        removed = true;
      }
    });
  }
  return root.toString().replace(/\n{2,}/g, "\n");
}

const { css: fontCss, files: fontFiles } = fonts();
const header = `/* Knooppunt: NL Design System stylesheet (fonts: fonts.css). Generated by frontend/build-css.mjs (make css);
 * do not edit. Utrecht component library CSS ${version("@utrecht/component-library-css")} (EUPL-1.2),
 * Voorbeeld design tokens ${version("@nl-design-system-unstable/voorbeeld-design-tokens")} (EUPL-1.2) under .knooppunt-theme,
 * fonts from @fontsource/source-sans-3 ${version("@fontsource/source-sans-3")}. */
`;
const output = [header, theme(), components()].join("\n");
const fontOutput = `/* Source Sans 3 (SIL Open Font License 1.1), self-hosted. Generated by frontend/build-css.mjs. */\n${fontCss}\n`;
const outputs = [
  [OUT_CSS, output],
  [OUT_FONTS, fontOutput],
];

const stale = [];
if (check) {
  for (const [path, text] of outputs) {
    if (!existsSync(path) || readFileSync(path, "utf8") !== text) stale.push(path);
  }
  for (const font of fontFiles) {
    const target = join(FONT_DIR, font.split("/").pop());
    if (!existsSync(target) || !readFileSync(target).equals(readFileSync(font))) stale.push(target);
  }
  const expected = new Set(fontFiles.map((f) => f.split("/").pop()));
  for (const present of existsSync(FONT_DIR) ? readdirSync(FONT_DIR) : []) {
    if (!expected.has(present)) stale.push(join(FONT_DIR, present));
  }
  if (stale.length) {
    console.error(`Out of date (run make css): ${stale.map((p) => relative(ROOT, p)).join(", ")}`);
    process.exit(1);
  }
} else {
  mkdirSync(FONT_DIR, { recursive: true });
  for (const [path, text] of outputs) writeFileSync(path, text);
  for (const font of fontFiles) copyFileSync(font, join(FONT_DIR, font.split("/").pop()));
  console.log(`${relative(ROOT, OUT_CSS)}: ${Math.round(output.length / 1024)} kB, ${fontFiles.length} fonts`);
}
