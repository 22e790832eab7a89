// Lighthouse's accessibility score for a list of pages, with one Debian chromium for all of them.
// Input (JSON on stdin):
//   {"chrome": "/usr/bin/chromium", "pages": [{"url": ..., "cookie": {"name": ..., "value": ...}}]}
// Output (JSON on stdout): [{"url", "score", "failing": [audit ids]}]. Used by the test suite
// (core/tests/test_lighthouse.py); lighthouse 12.2.3 is pinned (version 13 wants Node 22).
import { launch } from "chrome-launcher";
import lighthouse from "lighthouse";
import puppeteer from "puppeteer-core";

const input = JSON.parse(await new Promise((resolve) => {
  let data = "";
  process.stdin.on("data", (chunk) => (data += chunk));
  process.stdin.on("end", () => resolve(data));
}));

const chrome = await launch({
  chromePath: input.chrome,
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  logLevel: "silent",
});
const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}` });
const results = [];
try {
  for (const page of input.pages) {
    // A page of its own per audit, with the session cookie set through the DevTools protocol
    // (Chrome does not send a Cookie given as an extra header) and kept (no storage reset).
    const tab = await browser.newPage();
    if (page.cookie) await tab.setCookie({ ...page.cookie, url: page.url });
    const runner = await lighthouse(
      page.url,
      {
        port: chrome.port,
        output: "json",
        logLevel: "error",
        onlyCategories: ["accessibility"],
        throttlingMethod: "provided",
        disableStorageReset: true,
      },
      {
        extends: "lighthouse:default",
        settings: {
          formFactor: "desktop",
          screenEmulation: { disabled: true },
          // Accessibility needs the loaded page, not the quiet periods of a performance run.
          pauseAfterFcpMs: 0,
          pauseAfterLoadMs: 0,
          networkQuietThresholdMs: 0,
          cpuQuietThresholdMs: 0,
          skipAboutBlank: true,
          disableFullPageScreenshot: true,
        },
      },
      tab,
    );
    await tab.close();
    const lhr = runner.lhr;
    const category = lhr.categories.accessibility;
    const failing = category.auditRefs
      .filter((ref) => ref.weight > 0 && lhr.audits[ref.id].score !== null && lhr.audits[ref.id].score < 1)
      .map((ref) => ref.id);
    results.push({ url: page.url, finalUrl: lhr.finalDisplayedUrl, score: category.score, failing });
  }
} finally {
  await browser.disconnect();
  await chrome.kill();
}
process.stdout.write(JSON.stringify(results));
