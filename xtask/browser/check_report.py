#!/usr/bin/env python3
"""Checks an HTML report in headless Chromium through the DevTools protocol (CDP).

Usage: check_report.py CHROMIUM REPORT.html [--screenshot OUT.png]

The browser is driven over `--remote-debugging-pipe` (CDP messages as NUL-terminated JSON on
file descriptors 3 and 4), so only the Python standard library is needed: no port, no
WebSocket client. The page is loaded at 1280 px and at 800 px wide; the check fails (exit 1,
one line per problem) on

- any console error, uncaught exception or failed resource load (`Log.entryAdded` errors);
- any image that does not decode (`naturalWidth == 0`);
- horizontal overflow (`scrollWidth > innerWidth`) at either width;
- an in-page link (`href="#id"`) whose target id does not exist.

Exit 2: the browser could not be driven (a setup problem, not a finding).
"""

import json
import os
import subprocess
import sys
import tempfile
import time

WIDTHS = (1280, 800)
TIMEOUT_S = 60

CHECKS_JS = r"""
(() => {
  const problems = [];
  for (const img of document.images) {
    if (!img.complete || img.naturalWidth === 0) {
      problems.push('image does not decode: ' + (img.alt || img.src.slice(0, 60)));
    }
  }
  for (const a of document.querySelectorAll('a[href^="#"]')) {
    const id = decodeURIComponent(a.getAttribute('href').slice(1));
    if (!document.getElementById(id)) {
      problems.push('link without target: #' + id + ' ("' + a.textContent.trim() + '")');
    }
  }
  const width = document.documentElement.scrollWidth;
  if (width > window.innerWidth) {
    problems.push('horizontal overflow at ' + window.innerWidth + ' px: scrollWidth ' + width);
  }
  return JSON.stringify({problems, images: document.images.length,
                         links: document.querySelectorAll('a[href^="#"]').length});
})()
"""


class Browser:
    """One headless Chromium driven over the CDP pipe."""

    def __init__(self, chromium):
        self.profile = tempfile.TemporaryDirectory(prefix="report-check-")
        self.log = tempfile.TemporaryFile()
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()

        def child_fds():
            # Fresh copies first: a pipe end may itself be fd 3 or 4.
            read_end, write_end = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)

        self.proc = subprocess.Popen(
            [chromium, "--headless=new", "--remote-debugging-pipe", "--no-sandbox",
             "--disable-gpu", "--no-first-run", "--no-default-browser-check",
             "--allow-file-access-from-files", "--hide-scrollbars",
             "--user-data-dir=" + self.profile.name, "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.log,
            preexec_fn=child_fds, close_fds=False)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        return self.wait(lambda m, i=self.next_id: m.get("id") == i)

    def wait(self, matches, timeout=TIMEOUT_S):
        for m in self.events:
            if matches(m):
                self.events.remove(m)
                return m
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self.read()
            if matches(message):
                if "error" in message:
                    raise RuntimeError(f"CDP error: {message['error']}")
                return message
            self.events.append(message)
        raise RuntimeError("timed out waiting for the browser")

    def read(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("the browser closed the pipe")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def close(self):
        try:
            os.write(self.to_browser, json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0")
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait()
        self.profile.cleanup()


def console_problems(events):
    problems = []
    for m in events:
        method, p = m.get("method"), m.get("params", {})
        if method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            problems.append("console error: " + text)
        elif method == "Runtime.exceptionThrown":
            problems.append("uncaught exception: " + p["exceptionDetails"].get("text", ""))
        elif method == "Log.entryAdded" and p["entry"].get("level") == "error":
            e = p["entry"]
            problems.append("console error: " + e.get("text", "") + " " + e.get("url", "")[:80])
    return problems


def check(chromium, report, screenshot):
    browser = Browser(chromium)
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["result"]["targetId"]
        session = browser.send("Target.attachToTarget",
                               {"targetId": target, "flatten": True})["result"]["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            browser.send(domain + ".enable", session=session)
        problems, summary = [], []
        url = "file://" + os.path.abspath(report)
        for width in WIDTHS:
            browser.send("Emulation.setDeviceMetricsOverride",
                         {"width": width, "height": 900, "deviceScaleFactor": 1,
                          "mobile": False}, session=session)
            browser.events.clear()
            browser.send("Page.navigate", {"url": url}, session=session)
            browser.wait(lambda m: m.get("method") == "Page.loadEventFired")
            time.sleep(0.3)  # let late console messages arrive
            result = browser.send("Runtime.evaluate",
                                  {"expression": CHECKS_JS, "returnByValue": True},
                                  session=session)["result"]["result"]["value"]
            found = json.loads(result)
            problems += [p for p in found["problems"] if p not in problems]
            problems += [p for p in console_problems(browser.events) if p not in problems]
            summary.append(f"{width} px: {found['images']} images, {found['links']} in-page links")
            if screenshot and width == WIDTHS[0]:
                shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)
                import base64
                with open(screenshot, "wb") as f:
                    f.write(base64.b64decode(shot["result"]["data"]))
        return problems, summary
    finally:
        browser.close()


def main(argv):
    if len(argv) not in (3, 5) or (len(argv) == 5 and argv[3] != "--screenshot"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    screenshot = argv[4] if len(argv) == 5 else None
    try:
        problems, summary = check(argv[1], argv[2], screenshot)
    except (OSError, RuntimeError, KeyError) as e:
        print(f"check_report: could not drive the browser: {e}", file=sys.stderr)
        return 2
    for p in problems:
        print("PROBLEM: " + p)
    print(f"check_report: {argv[2]}: {'; '.join(summary)}; {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
