// Opens bpmnkit HTML reports in headless Chromium and checks them (see ../browser-test.sh).
//
//   node test.mjs REPORTS_DIR SCREENS_DIR [BIG_REPORT.html]
//
// Every *.html under REPORTS_DIR is opened from file://. A page fails on any console
// error, uncaught page error, failed request or request that is not file:/data:.
// Model pages (not index.html): a finding that is on the diagram is clicked and its
// element must get the selection outline inside the visible part of the canvas; the
// hovered element must show a tooltip; a witness, when there is one, is played and
// stepped. One screenshot per page goes to SCREENS_DIR. BIG_REPORT is timed: open to
// ready and painted must take under 2 s.
import { chromium } from "playwright-core";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [reportsDir, screensDir, bigReport] = process.argv.slice(2);
if (!reportsDir || !screensDir) {
  console.error("usage: node test.mjs REPORTS_DIR SCREENS_DIR [BIG_REPORT.html]");
  process.exit(2);
}

function walk(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.name.endsWith(".html")) out.push(p);
  }
  return out.sort();
}

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bpmnkit-chromium-"));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1600, height: 1000 },
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});

const failures = [];
function fail(file, msg) {
  failures.push(`${path.relative(reportsDir, file)}: ${msg}`);
  console.log(`  FAIL ${msg}`);
}

async function openPage(file) {
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`failed request: ${r.url()} ${r.failure()?.errorText ?? ""}`));
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith("file:") && !u.startsWith("data:")) problems.push(`network request: ${u}`);
  });
  return { page, problems };
}

async function checkModelPage(page, file, shot) {
  const info = await page.evaluate(() => {
    const data = JSON.parse(document.getElementById("bk-data").textContent);
    const linked = [...document.querySelectorAll(".finding.linked")].map((li) => Number(li.dataset.finding));
    return {
      pwned: window.__pwned,
      findings: data.findings.length,
      linked,
      el: linked.length ? data.findings[linked[0]].el : null,
      witness: [...document.querySelectorAll("#findings .show-witness")].map((b) => Number(b.dataset.witness)),
      steps: data.findings.map((f) => (f.steps || []).length),
      svgs: document.querySelectorAll(".canvas > svg").length,
    };
  });
  if (info.pwned !== undefined) fail(file, `injected script ran (window.__pwned = ${info.pwned})`);
  if (info.svgs === 0 && !(await page.$(".empty"))) fail(file, "no diagram and no explanation");
  if (info.linked.length) {
    const i = info.linked[0];
    await page.click(`.finding[data-finding="${i}"] .msg`);
    const sel = await page.evaluate((id) => {
      const c = document.querySelector(".canvas:not([hidden])");
      const g = c && [...c.querySelectorAll("g.bk-selected")].find((e) => e.getAttribute("data-element-id") === id);
      const ov = c && c.querySelector(".bk-sel");
      if (!g || !ov) return { ok: false, why: g ? "no selection outline" : "element not marked selected" };
      const r = ov.getBoundingClientRect(), w = c.getBoundingClientRect();
      const visible = r.right > w.left && r.left < w.right && r.bottom > w.top && r.top < w.bottom;
      return { ok: visible, why: visible ? "" : "selection outline is outside the visible canvas" };
    }, info.el);
    if (!sel.ok) fail(file, `clicking finding ${i} (${info.el}): ${sel.why}`);
    // Hover the selected element: the tooltip must list its findings.
    const box = await page.evaluate(() => {
      const r = document.querySelector(".canvas:not([hidden]) .bk-sel").getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    });
    await page.mouse.move(box.x, box.y);
    await page.mouse.move(box.x + 1, box.y + 1);
    const tip = await page.evaluate(() => { const t = document.getElementById("tip"); return t.hidden ? "" : t.textContent; });
    if (!tip) fail(file, `hovering ${info.el} shows no tooltip`);
    await page.mouse.move(5, 5);
  }
  if (info.witness.length) {
    const i = info.witness[0];
    await page.click(`#findings .show-witness[data-witness="${i}"]`);
    const n = info.steps[i];
    const drawn = await page.$$eval(".canvas:not([hidden]) .bk-wstep", (e) => e.length);
    if (drawn === 0) fail(file, `witness ${i}: no step drawn`);
    await page.click("#w-next");
    const first = await page.textContent("#w-step");
    if (!first.startsWith(`Step 1 of ${n}`)) fail(file, `witness ${i}: Next shows "${first}"`);
    await page.click("#w-next");
    await page.click("#w-next");
    await page.click("#w-all");
  }
  await page.screenshot({ path: shot });
  // The waiting-time heat map tints the activities when switched on.
  if (await page.$("#heat-toggle")) {
    await page.evaluate(() => document.getElementById("w-close").click());
    await page.check("#heat-toggle");
    const tints = await page.$$eval(".canvas:not([hidden]) .bk-heat", (e) => e.length);
    const wanted = await page.evaluate(() => {
      const d = JSON.parse(document.getElementById("bk-data").textContent);
      const c = document.querySelector(".canvas:not([hidden])");
      const i = Number(c.dataset.diagram);
      return Object.keys(d.heat.wait).filter((id) => d.diagrams[i].geom[id]).length;
    });
    if (tints !== wanted) fail(file, `heat map: ${tints} tinted shapes, ${wanted} expected`);
    if (await page.$("#heat-legend[hidden]")) fail(file, "heat map legend hidden");
    await page.click('[data-zoom="fit"]');
    await page.screenshot({ path: shot.replace(/\.png$/, "-heat.png") });
  }
}

let pages = 0;
for (const file of walk(reportsDir)) {
  if (bigReport && path.resolve(file) === path.resolve(bigReport)) continue;
  const rel = path.relative(reportsDir, file);
  console.log(`open ${rel}`);
  const { page, problems } = await openPage(file);
  try {
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    if (path.basename(file) === "index.html") {
      const rows = await page.$$eval("table.models tbody tr", (r) => r.length);
      if (rows === 0) fail(file, "index lists no model");
    } else {
      await page.waitForSelector("html[data-ready='1']", { timeout: 10000 });
    }
    const shot = path.join(screensDir, rel.replace(/[\\/]/g, "__").replace(/\.html$/, ".png"));
    if (path.basename(file) !== "index.html") await checkModelPage(page, file, shot);
    else await page.screenshot({ path: shot, fullPage: true });
  } catch (e) {
    fail(file, `exception: ${e.message.split("\n")[0]}`);
  }
  for (const p of problems) fail(file, p);
  pages++;
  await page.close();
}

if (bigReport) {
  console.log(`time ${path.basename(bigReport)}`);
  const times = [];
  for (let run = 0; run < 3; run++) {
    const { page, problems } = await openPage(bigReport);
    const t0 = Date.now();
    await page.goto(pathToFileURL(bigReport).href, { waitUntil: "load" });
    await page.waitForSelector("html[data-ready='1']", { timeout: 30000 });
    // Two animation frames: the page has been laid out and painted.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    times.push(Date.now() - t0);
    for (const p of problems) fail(bigReport, p);
    if (run === 0) await page.screenshot({ path: path.join(screensDir, "big__gen-2000.png") });
    await page.close();
  }
  const best = Math.min(...times);
  console.log(`  open to painted: ${times.join(" ms, ")} ms (best ${best} ms, limit 2000 ms)`);
  if (Math.max(...times) >= 2000) fail(bigReport, `opens in ${Math.max(...times)} ms, over 2 s`);
}

await context.close();
fs.rmSync(userDataDir, { recursive: true, force: true });
console.log(`${pages} pages checked, ${failures.length} failures`);
if (failures.length) {
  for (const f of failures) console.log(`FAIL ${f}`);
  process.exit(1);
}
