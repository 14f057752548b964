"""Helpers of the accessibility and phone browser tests (test_a11y, test_keyboard, test_phone)."""

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


def horizontal_overflow(page) -> int:
    """How many pixels the page scrolls sideways (0 when nothing is wider than the screen)."""
    return int(page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth"))
