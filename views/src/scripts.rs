//! The few scripts the pages use, served as files under `/static/` so the pages can carry a
//! Content-Security-Policy that allows no inline script. Every page works without them.

/// The dashboard: polls the panel while a run is going; when it has ended, fetches the summary
/// once. A redirect (the session ended) stops it: the login page must not land inside the
/// dashboard.
pub const DASHBOARD: &str = r#"
(function () {
  function fragment(url) {
    return fetch(url, {credentials: 'same-origin'}).then(function (r) {
      if (!r.ok || r.redirected) return null;
      return r.text().then(function (html) {
        var holder = document.createElement('div');
        holder.innerHTML = html;
        return holder.firstElementChild;
      });
    });
  }
  function swap(id, fresh) {
    var old = document.getElementById(id);
    if (old && fresh) old.replaceWith(fresh);
  }
  (function poll() {
    setTimeout(function () {
      fragment('/check/latest').then(function (panel) {
        if (!panel) return;
        swap('check-panel', panel);
        if (panel.getAttribute('data-running') === 'true') { poll(); return; }
        return fragment('/dashboard/summary').then(function (summary) { swap('dashboard-summary', summary); });
      }, poll);
    }, 1000);
  })();
})();
"#;

/// The import page: follows an import run, then reloads.
pub const IMPORT: &str = r#"
(function poll() {
  setTimeout(function () {
    fetch('/import/progress', {credentials: 'same-origin'}).then(function (r) { return r.ok ? r.text() : null; }).then(function (html) {
      if (!html) return;
      var holder = document.createElement('div');
      holder.innerHTML = html;
      var fresh = holder.firstElementChild;
      if (fresh.getAttribute('data-running') === 'true') {
        document.getElementById('import-panel').replaceWith(fresh);
        poll();
      } else {
        window.location.reload();
      }
    });
  }, 1000);
})();
"#;

/// A task's sync progress: reloads the panel until the task is finished.
pub const PROGRESS: &str = r#"
(function () {
  var panel = document.getElementById('progress');
  if (!panel || panel.dataset.finished === 'yes') return;
  var url = location.pathname + '/panel';
  var timer = setInterval(function () {
    fetch(url, {credentials: 'same-origin'}).then(function (r) { return r.ok ? r.text() : null; }).then(function (html) {
      if (!html) return;
      var current = document.getElementById('progress');
      current.outerHTML = html;
      var next = document.getElementById('progress');
      if (next && next.dataset.finished === 'yes') clearInterval(timer);
    });
  }, 700);
})();
"#;

/// The script served at `/static/{name}`, if there is one.
pub fn named(name: &str) -> Option<&'static str> {
    match name {
        "dashboard.js" => Some(DASHBOARD),
        "import.js" => Some(IMPORT),
        "progress.js" => Some(PROGRESS),
        _ => None,
    }
}
