// wire demo: the browser side shared by every page. Plain JavaScript, no build step.
//
// wireSocket(path, handlers) opens ws://<this host><path> and keeps it open: when the connection
// drops it reconnects after a delay that doubles from 0.5 s up to 10 s (with a little jitter, so
// many tabs do not reconnect in lock step), and resets to 0.5 s once a connection succeeds.
// The page's state badge (an element with id "state") always says where things stand.
"use strict";

function wsURL(path) {
  // A page served over https must use wss (browsers refuse mixed content).
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  return scheme + location.host + path;
}

function setState(kind, text) {
  const badge = document.getElementById("state");
  if (!badge) return;
  badge.className = "state " + kind;
  badge.textContent = text;
}

// The close codes a learner meets most (RFC 6455 §7.4.1).
const CLOSE_NAMES = {
  1000: "normal closure", 1001: "going away", 1002: "protocol error",
  1003: "unsupported data", 1005: "no status code", 1006: "abnormal closure (no close frame)",
  1007: "invalid payload data", 1008: "policy violation", 1009: "message too big",
  1011: "internal error", 1012: "service restart", 1013: "try again later",
};

function describeClose(ev) {
  const name = CLOSE_NAMES[ev.code] || "";
  let s = "code " + ev.code + (name ? " (" + name + ")" : "");
  if (ev.reason) s += ', reason "' + ev.reason + '"';
  return s;
}

// handlers: { onopen(), onmessage(event), onclose(event) } — all optional.
function wireSocket(path, handlers) {
  const url = wsURL(path);
  const minDelay = 500, maxDelay = 10000;
  let delay = minDelay;
  let ws = null;
  let timer = null;
  let stopped = false;

  function open() {
    timer = null;
    setState("connecting", "connecting to " + url + " …");
    ws = new WebSocket(url);
    ws.binaryType = "arraybuffer";
    ws.onopen = () => {
      delay = minDelay;
      setState("open", "connected to " + url);
      if (handlers.onopen) handlers.onopen();
    };
    ws.onmessage = (ev) => { if (handlers.onmessage) handlers.onmessage(ev); };
    ws.onclose = (ev) => {
      ws = null;
      if (handlers.onclose) handlers.onclose(ev);
      if (stopped) {
        setState("closed", "closed by you: " + describeClose(ev));
        return;
      }
      const wait = Math.min(delay, maxDelay) * (0.8 + 0.4 * Math.random());
      delay = Math.min(delay * 2, maxDelay);
      countdown(describeClose(ev), Date.now() + wait);
      timer = setTimeout(open, wait);
    };
    // An error is always followed by close, which reports and reconnects.
    ws.onerror = () => {};
  }

  function countdown(why, at) {
    if (ws || stopped) return;
    const left = Math.max(0, (at - Date.now()) / 1000);
    setState("closed", "disconnected: " + why + "; retrying in " + left.toFixed(1) + " s");
    if (left > 0) setTimeout(() => countdown(why, at), 100);
  }

  open();
  return {
    url,
    send(data) {
      if (!ws || ws.readyState !== WebSocket.OPEN) return false;
      ws.send(data);
      return true;
    },
    isOpen() { return ws !== null && ws.readyState === WebSocket.OPEN; },
    // Stops reconnecting and closes with 1000 (a close frame the server answers, RFC 6455 §5.5.1).
    close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (ws) ws.close(1000, "bye");
      else setState("closed", "closed by you");
    },
    // Undoes close(): connect again now.
    reopen() {
      stopped = false;
      delay = minDelay;
      if (!ws && !timer) open();
    },
  };
}

// Appends one line to a log element and keeps the newest line in view.
function logLine(log, cls, text) {
  const line = document.createElement("div");
  line.className = "line " + cls;
  line.textContent = text;
  const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
  log.appendChild(line);
  while (log.childNodes.length > 2000) log.removeChild(log.firstChild);
  if (atBottom) log.scrollTop = log.scrollHeight;
  return line;
}

function timestamp() {
  return new Date().toTimeString().slice(0, 8);
}
