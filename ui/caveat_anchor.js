// A page opened at #caveat-<key> (a link to one of the caveats beside the map): open that caveat and
// bring it into view once the panel is drawn. The browser does this by itself only for content that
// is there when the page loads; the panel arrives later.
(() => {
  const id = decodeURIComponent(window.location.hash.slice(1));
  if (!/^caveat-[a-z0-9-]+$/.test(id) || window.__atlasCaveatShown === id) return;
  const show = () => {
    const el = document.getElementById(id);
    if (!el) return false;
    window.__atlasCaveatShown = id;
    el.open = true;
    el.scrollIntoView({block: "start"});
    return true;
  };
  if (show()) return;
  const watch = new MutationObserver(() => { if (show()) watch.disconnect(); });
  watch.observe(document.body, {childList: true, subtree: true});
  setTimeout(() => watch.disconnect(), 30000);
})();
