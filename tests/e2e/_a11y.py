"""Helpers of the browser tests: the accessibility and phone tests (test_a11y, test_keyboard, test_phone)
and the waits the others share (a settled page, the next frame)."""

from __future__ import annotations

TIMEOUT_MS = 60_000
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
PAGES = {"map": "/", "regions": "/regions", "export": "/export", "methods": "/methods"}
DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}
FAILING_IMPACTS = ("serious", "critical")


def map_frame(page):
    """The st_folium component's frame (it holds the Leaflet map), or None."""
    for frame in page.frames:
        if "st_folium" in frame.url:
            return frame
    return None


SETTLED = """() => {
    const app = document.querySelector('[data-testid=stApp]');
    return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-stale=true]') && document.fonts.status === 'loaded';
}"""
QUIET = """(quietMs) => new Promise(resolve => {
    // Resolves once the page has not changed for quietMs (a rerun of the script replaces elements).
    let timer = setTimeout(done, quietMs);
    const observer = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(done, quietMs); });
    observer.observe(document.body, {subtree: true, childList: true, attributes: true});
    const cap = setTimeout(done, 20000);
    function done() { observer.disconnect(); clearTimeout(cap); clearTimeout(timer); resolve(true); }
})"""


NEXT_FRAME = "() => new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)))"
"""Resolves once the page has drawn a frame and run what was queued behind it (events, timers at 0)."""


def settle(page, quiet_ms: int = 600) -> None:
    """Wait until Streamlit's script has finished, nothing is stale, fonts are in, and the page has not
    changed for ``quiet_ms`` (reruns triggered by the first run are over)."""
    page.wait_for_function(SETTLED, timeout=TIMEOUT_MS)
    page.evaluate(QUIET, quiet_ms)
    page.wait_for_function(SETTLED, timeout=TIMEOUT_MS)


def open_page(page, base_url: str, path: str, lang: str) -> None:
    """Navigate and wait until the page has settled (see :func:`settle`); on the map page the markers
    are drawn with their glyphs."""
    page.goto(f"{base_url}{path}?lang={lang}", wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid=stMain] h1", timeout=TIMEOUT_MS)
    settle(page)
    if path == "/":
        frame = page.frame_locator(MAP_FRAME)
        frame.locator(".atlas-pin").first.wait_for(state="visible", timeout=TIMEOUT_MS)
        # Labels and legends are drawn once the icon font is in (static/pins_after_font.js).
        frame.locator(".leaflet-container:not(.atlas-fonts-pending)").wait_for(timeout=TIMEOUT_MS)
    if path == "/regions":
        page.locator("[data-testid=stVegaLiteChart] canvas, [data-testid=stVegaLiteChart] svg").first.wait_for(
            state="visible", timeout=TIMEOUT_MS
        )


def run_axe(target) -> list[dict]:
    """axe-core's violations in ``target`` (a Playwright page or frame; frames inside it are audited
    separately, so axe does not wait for them)."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    target.evaluate(axe.axe_script)
    result = target.evaluate(
        "axe.run(document, {resultTypes: ['violations'], iframes: false}).then(r => r.violations)"
    )
    return list(result)


def failing(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v.get("impact") in FAILING_IMPACTS]


def report(where: str, violations: list[dict]) -> str:
    """One readable paragraph per violation: rule, impact, help, and each element with axe's summary."""
    lines = []
    for v in violations:
        lines.append(f"[{where}] {v['id']} ({v['impact']}): {v['help']} <{v.get('helpUrl', '')}>")
        for node in v.get("nodes", [])[:8]:
            target = " >>> ".join(str(t) for t in node.get("target", []))
            summary = " ".join(str(node.get("failureSummary", "")).split())
            lines.append(f"    - {target}\n      {node.get('html', '')[:160]}\n      {summary[:400]}")
        if len(v.get("nodes", [])) > 8:
            lines.append(f"    ... and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def box_of(locator) -> dict:
    """The element's bounding box; fails, naming it, when it is not displayed."""
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not displayed"
    return box


def horizontal_overflow(page) -> int:
    """How many pixels the page scrolls sideways (0 when nothing is wider than the screen)."""
    return int(page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth"))


ACTIVE = """() => {
    // The focused element, through same-origin frames; kept as window.__atlasFocus for focus_ring_visible.
    let doc = document, el = document.activeElement, dx = 0, dy = 0, inFrame = false;
    while (el && el.tagName === 'IFRAME' && el.contentDocument) {
        const r = el.getBoundingClientRect(); dx += r.left; dy += r.top; inFrame = true;
        doc = el.contentDocument; el = doc.activeElement;
    }
    window.__atlasFocus = {el: el, dx: dx, dy: dy};
    const pin = el.querySelector ? el.querySelector('.atlas-pin[aria-label]') : null;
    const group = el.closest ? el.closest('[role=radiogroup]') : null;
    const toolbar = el.closest ? el.closest('[role=toolbar]') : null;  // the specialisation pills
    return {
        inFrame: inFrame, tag: el.tagName, role: el.getAttribute('role'),
        label: el.getAttribute('aria-label') || (pin && pin.getAttribute('aria-label'))
            || (group && group.getAttribute('aria-label')) || (toolbar && toolbar.getAttribute('aria-label')) || '',
        sidebar: !!(el.closest && el.closest('[data-testid=stSidebar]')),
        panel: !!(el.closest && el.closest('.st-key-side_panel')),
        caveats: !!(el.closest && el.closest('.st-key-caveats_panel')),
        marker: !!(el.classList && el.classList.contains('leaflet-marker-icon')),
        region: !!(el.classList && el.classList.contains('atlas-region')),
        container: !!(el.classList && el.classList.contains('leaflet-container')),
        popup: !!(el.closest && el.closest('.leaflet-popup')),
    };
}"""
FOCUS_BOX = """() => {
    const f = window.__atlasFocus; if (!f || !f.el.isConnected) { return null; }
    const r = f.el.getBoundingClientRect();
    return {x: r.left + f.dx, y: r.top + f.dy, width: r.width, height: r.height};
}"""


def active(page) -> dict:
    """What has the keyboard focus (see ACTIVE)."""
    return page.evaluate(ACTIVE)


def focus_snapshot(page) -> tuple[dict, bytes] | None:
    """A screenshot of the focused element and 6 px around it (the ring), with its box."""
    box = page.evaluate(FOCUS_BOX)
    if not box or box["width"] <= 0 or box["height"] <= 0:
        return None
    vw, vh = page.viewport_size["width"], page.viewport_size["height"]
    x0, y0 = max(0.0, box["x"] - 6), max(0.0, box["y"] - 6)
    x1, y1 = min(float(vw), box["x"] + box["width"] + 6), min(float(vh), box["y"] + box["height"] + 6)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    clip = {"x": x0, "y": y0, "width": x1 - x0, "height": y1 - y0}
    return clip, page.screenshot(clip=clip, animations="disabled")


def focus_ring_visible(page) -> bool:
    """Whether the focused element looks different focused and unfocused (a focus ring or equivalent):
    its surroundings are captured focused, blurred, and focused again."""
    shot = focus_snapshot(page)
    if shot is None:
        return False
    clip, focused = shot
    page.evaluate("() => window.__atlasFocus.el.blur()")
    unfocused = page.screenshot(clip=clip, animations="disabled")
    page.evaluate("() => window.__atlasFocus.el.focus({preventScroll: true})")
    return focused != unfocused
