// A page opened at #caveat-KEY (a link to one of the caveats beside the map): open that caveat and
// bring it into view once the panel is drawn. The browser does this by itself only for content that
// is there when the page loads; the panel arrives later, and by then the app may have rewritten the
// address without its fragment (a default language drops ?lang=fr): the fragment is read from the
// address the page was loaded at, and put back.
(() => {
  const loaded = performance.getEntriesByType("navigation")[0];
  const hash = window.location.hash || (loaded ? new URL(loaded.name).hash : "");
  const id = decodeURIComponent(hash.slice(1));
  if (!/^caveat-[a-z0-9-]+$/.test(id) || window.__atlasCaveatShown === id) return;
  const show = () => {
    const el = document.getElementById(id);
    if (!el) return false;
    window.__atlasCaveatShown = id;
    el.open = true;
    el.scrollIntoView({block: "start"});
    if (window.location.hash !== "#" + id) {
      history.replaceState(history.state, "", window.location.pathname + window.location.search + "#" + id);
    }
    return true;
  };
  if (show()) return;
  const watch = new MutationObserver(() => { if (show()) watch.disconnect(); });
  watch.observe(document.body, {childList: true, subtree: true});
  setTimeout(() => watch.disconnect(), 30000);
})();
