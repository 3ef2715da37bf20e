// Drives the demo's pages in headless Chromium over the DevTools protocol (CDP), the way a person
// would click through them, and takes a screenshot of the home page.
//
//   NODE_PATH=/usr/share/nodejs node drive_demo.js http://127.0.0.1:PORT out.png [scenario...]
//
// Scenarios (all by default): echo, chat, push, tail, frames, screenshot; and, named only, instance
// (a demo started with --instance $WIRE_INSTANCE: the chat page shows it). Prints "ok <scenario>"
// for each that passed and "FAIL <scenario>: <why>" for each that did not; exits 0 only if all
// passed. Chromium runs with a fresh profile, no sandbox (containers), no GPU, no background
// networking.
//
// The screenshot is the README's, so it shows the address `make run` uses, whatever port the
// test's demo has: a second Chromium uses the demo as its HTTP proxy and opens
// http://127.0.0.1:8080/, which the demo answers (a request in absolute-form, RFC 9112 §3.2.2).
// Nothing connects to port 8080 itself.
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const WebSocket = require("ws");

const [base, shotPath, ...only] = process.argv.slice(2);
const scenarios = only.length ? only : ["echo", "chat", "push", "tail", "frames", "screenshot"];
const profiles = [];

// Starts Chromium with a fresh profile (and `extra` flags): { chrome, url } of its DevTools.
function launch(extra = []) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "wire-chromium-"));
  profiles.push(profile);
  const chrome = spawn(process.env.CHROMIUM || "chromium", [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--no-default-browser-check", "--metrics-recording-only",
    "--user-data-dir=" + profile, "--remote-debugging-port=0", ...extra, "about:blank",
  ], { stdio: ["ignore", "ignore", "pipe"] });
  return new Promise((resolve, reject) => {
    let err = "";
    const timer = setTimeout(() => reject(new Error("chromium did not start: " + err)), 20000);
    chrome.stderr.on("data", (d) => {
      err += d;
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (m) { clearTimeout(timer); resolve({ chrome, url: m[1] }); }
    });
    chrome.on("exit", (code) => reject(new Error("chromium exited " + code + ": " + err)));
  });
}

// Closes Chromium (Browser.close over `c`, which ends its helper processes too; SIGKILL if that
// fails) and waits until it has exited, so that its profile can go.
async function stop(chrome, c) {
  if (chrome.exitCode !== null || chrome.signalCode !== null) return;
  const exited = new Promise((resolve) => chrome.once("exit", resolve));
  if (c) await Promise.race([c.send("Browser.close").catch(() => {}), sleep(2000)]);
  if (await Promise.race([exited.then(() => true), sleep(5000).then(() => false)])) return;
  chrome.kill("SIGKILL");
  await Promise.race([exited, sleep(2000)]);
}

// A CDP connection: send(method, params, sessionId) -> result.
function cdp(url) {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  let next = 1;
  const pending = new Map();
  ws.on("message", (data) => {
    const msg = JSON.parse(data);
    const p = msg.id && pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.error) p.reject(new Error(msg.error.message)); else p.resolve(msg.result);
  });
  const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
    const id = next++;
    pending.set(id, { resolve, reject });
    ws.send(JSON.stringify(sessionId ? { id, method, params, sessionId } : { id, method, params }));
  });
  return new Promise((resolve, reject) => {
    ws.on("open", () => resolve({ send, close: () => ws.close() }));
    ws.on("error", reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function openTab(c, url) {
  const { targetId } = await c.send("Target.createTarget", { url });
  const { sessionId } = await c.send("Target.attachToTarget", { targetId, flatten: true });
  const tab = {
    eval: async (expression) => {
      const r = await c.send("Runtime.evaluate",
                             { expression, awaitPromise: true, returnByValue: true }, sessionId);
      if (r.exceptionDetails) throw new Error("page error: " + r.exceptionDetails.text);
      return r.result.value;
    },
    send: (method, params) => c.send(method, params, sessionId),
    close: () => c.send("Target.closeTarget", { targetId }),
  };
  // Wait for the page itself (not the about:blank a new tab starts with) to have loaded.
  await waitFor(tab, `location.href === ${JSON.stringify(new URL(url).href)} &&
                      document.readyState === 'complete'`, "load " + url);
  return tab;
}

async function waitFor(tab, expression, what, ms = 8000) {
  const end = Date.now() + ms;
  for (;;) {
    try { if (await tab.eval(expression)) return; } catch (e) { /* page still loading */ }
    if (Date.now() > end) throw new Error("timed out waiting for " + what);
    await sleep(50);
  }
}

const logHas = (text) => `document.getElementById('log').textContent.includes(${JSON.stringify(text)})`;
const isOpen = "document.getElementById('state').className.includes('open')";

const run = {
  async echo(c) {
    const tab = await openTab(c, base + "/echo.html");
    await waitFor(tab, isOpen, "the echo socket to open");
    await tab.eval(`document.getElementById('input').value = 'Hello from Chromium';
                    document.getElementById('form').requestSubmit(); true`);
    await waitFor(tab, logHas("← recv") + " && " + logHas('"Hello from Chromium"'), "the echo");
    await tab.close();
  },
  async chat(c) {
    const a = await openTab(c, base + "/chat.html");
    const b = await openTab(c, base + "/chat.html");
    await waitFor(a, isOpen, "tab 1 to join");
    await waitFor(b, isOpen, "tab 2 to join");
    await a.eval(`document.getElementById('name').value = 'alice';
                  document.getElementById('input').value = 'hi bob';
                  document.getElementById('form').requestSubmit(); true`);
    await waitFor(b, logHas("alice: hi bob"), "tab 2 to see tab 1's message");
    await waitFor(a, logHas("alice: hi bob"), "tab 1 to see its own message");
    await a.close(); await b.close();
  },
  async instance(c) {
    const tab = await openTab(c, base + "/chat.html");
    const shown = `(() => { const e = document.getElementById('instance');
                     return !e.hidden && e.textContent === ${JSON.stringify("on instance " + process.env.WIRE_INSTANCE)}; })()`;
    await waitFor(tab, shown, "the chat page to show instance " + process.env.WIRE_INSTANCE);
    await tab.close();
  },
  async push(c) {
    const sender = await openTab(c, base + "/push.html");
    const listener = await openTab(c, base + "/push.html");
    await waitFor(sender, isOpen, "the sender page to listen");
    await waitFor(listener, isOpen, "the listener page to listen");
    await sender.eval(`document.getElementById('message').value = 'Deploy finished (test)';
                       document.getElementById('form').requestSubmit(); true`);
    await waitFor(listener, logHas("Deploy finished (test)"), "the pushed message in tab 2");
    await waitFor(sender, "document.getElementById('result').textContent.includes('200')",
                  "the POST's 200 on the sender page");
    await sender.close(); await listener.close();
  },
  async tail(c) {
    const tab = await openTab(c, base + "/tail.html");
    await waitFor(tab, isOpen + " && document.getElementById('file').textContent.startsWith('/')",
                  "the tail socket to name its file");
    const file = await tab.eval("document.getElementById('file').textContent");
    const line = "appended by the browser test " + process.pid;
    fs.appendFileSync(file, line + "\n");
    await waitFor(tab, logHas(line), "the appended line");
    // The counter speaks English: "1 line", "2 lines" (one evaluation: no line can slip in).
    const counts = await tab.eval(`document.getElementById('clear').click();
      show('one'); const one = document.getElementById('count').textContent;
      show('two'); [one, document.getElementById('count').textContent]`);
    if (counts[0] !== "1 line" || counts[1] !== "2 lines") throw new Error("counter: " + counts);
    await tab.close();
  },
  // Pages the demo did not write (the file server's listing, the seed pages) in its frame: the
  // stylesheet applies and the header links home.
  async frames(c) {
    for (const page of ["/files/", "/files/notes/", "/seed/001/client.html", "/seed/002/"]) {
      const tab = await openTab(c, base + page);
      const home = await tab.eval(`!!document.querySelector('header a[href="/"]')`);
      const width = await tab.eval("getComputedStyle(document.body).maxWidth");
      const icon = await tab.eval(`fetch('/favicon.ico').then((r) => r.status + ' ' +
                                   r.headers.get('content-type'))`);
      await tab.close();
      if (!home) throw new Error(page + " has no link home");
      if (width === "none") throw new Error(page + " is not styled by /style.css");
      if (!icon.startsWith("200 image/")) throw new Error("/favicon.ico: " + icon);
    }
  },
  async screenshot() {
    const proxied = await launch(["--proxy-server=http://" + new URL(base).host,
                                  "--proxy-bypass-list=<-loopback>"]);  // loopback too
    let c;
    try {
      c = await cdp(proxied.url);
      const tab = await openTab(c, "http://127.0.0.1:8080/");
      await tab.send("Emulation.setDeviceMetricsOverride",
                     { width: 1100, height: 900, deviceScaleFactor: 1, mobile: false });
      const shown = await tab.eval("document.querySelector('.host').textContent");
      if (shown !== "127.0.0.1:8080") throw new Error("the page shows " + shown);
      await sleep(200);
      const { data } = await tab.send("Page.captureScreenshot", { format: "png" });
      fs.writeFileSync(shotPath, Buffer.from(data, "base64"));
      await tab.close();
    } finally {
      await stop(proxied.chrome, c);
      if (c) c.close();
    }
  },
};

(async () => {
  let chrome;
  let c;
  let failed = false;
  try {
    const launched = await launch();
    chrome = launched.chrome;
    c = await cdp(launched.url);
    for (const name of scenarios) {
      try {
        await run[name](c);
        console.log("ok " + name);
      } catch (e) {
        console.log("FAIL " + name + ": " + e.message);
        failed = true;
      }
    }
  } catch (e) {
    console.log("FAIL setup: " + e.message);
    failed = true;
  } finally {
    if (chrome) await stop(chrome, c);
    if (c) c.close();
    for (const profile of profiles) {
      fs.rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    }
  }
  process.exit(failed ? 1 : 0);
})();
