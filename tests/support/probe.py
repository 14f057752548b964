"""The "markers drawn" clock: an init script, injected in every frame, that watches the DOM and stamps
``Date.now()`` in the animation frame after what :class:`Probe` describes is on the page (with a size),
as ``window.__benchReadyAt`` (in the map's frame and in the top page)."""

from __future__ import annotations

import json
from dataclasses import dataclass

PROBE_JS = """
(() => {
  const cfg = %s;
  if (window.__benchProbe) return;
  window.__benchProbe = true;
  function ready() {
    if (cfg.attr) {
      const el = document.querySelector("[" + cfg.attr + "]");
      return !!el && Number(el.getAttribute(cfg.attr)) >= cfg.count;
    }
    const els = document.querySelectorAll(cfg.selector);
    if (els.length < cfg.count) return false;
    const r = els[0].getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(els[0]).visibility === "visible";
  }
  const marks = cfg.marks || {};
  window.__benchMarks = window.__benchMarks || {};
  function mark() {
    for (const name in marks) {
      if (!(name in window.__benchMarks) && document.querySelector(marks[name])) {
        window.__benchMarks[name] = Date.now();
      }
    }
  }
  let done = false;
  function check() {
    mark();
    if (done || !ready()) return;
    done = true;
    const stamp = () => {
      if (window.__benchReadyHere) return;
      window.__benchReadyHere = true;  // the frame that holds the map
      window.__benchReadyAt = window.__benchReadyAt || Date.now();
      try {  // the map's frame is same-origin: tell the top page, where the bench waits for it
        if (window.top !== window && !window.top.__benchReadyAt) window.top.__benchReadyAt = window.__benchReadyAt;
      } catch (e) { /* another origin: the bench reads the frames instead */ }
    };
    requestAnimationFrame(stamp);
    setTimeout(stamp, 100);  // fallback if no frame is produced
  }
  new MutationObserver(check).observe(document, {childList: true, subtree: true, attributes: !!cfg.attr,
                                                  attributeFilter: cfg.attr ? [cfg.attr] : undefined});
  document.addEventListener("DOMContentLoaded", check);
  // Styles can arrive without a DOM change: poll too (a timer: Chromium may drop the animation-frame
  // callbacks of a component frame while it is still being laid out).
  const timer = setInterval(() => { check(); if (done) clearInterval(timer); }, cfg.interval || 10);
})();
"""


@dataclass(frozen=True)
class Probe:
    """What "ready" means: ``count`` elements matching ``selector`` with a size, or an element whose
    attribute ``attr`` holds a number >= ``count`` (the canvas point layer writes one)."""

    count: int
    selector: str = ""
    attr: str = ""
    marks: tuple[tuple[str, str], ...] = ()
    """(name, selector): the first time each selector matches in any frame is reported too."""
    interval: int = 10
    """Milliseconds between two checks besides DOM changes (larger for many pages at once)."""

    def script(self) -> str:
        return PROBE_JS % json.dumps(
            {"count": self.count, "selector": self.selector, "attr": self.attr, "marks": dict(self.marks),
             "interval": self.interval}
        )
