// The login page: POST /api/session with the token; the server answers with an HttpOnly, SameSite=Strict session
// cookie, then the browser goes back to the page it came from (?next=, only a path on this console).
'use strict';

(function () {
  const form = document.getElementById('login');
  const summary = document.getElementById('summary');

  /** Only a local path: "/alerts.html?x" yes; "//evil.example", "https://…" or "/\evil" no (open redirects). */
  function next() {
    const target = TC.params().get('next') || '/';
    return /^\/(?![\/\\])/.test(target) ? target : '/';
  }

  TC.getJSON('/api/session').then(function (s) {
    if (s.loggedIn) TC.status(summary, 'Already logged in' + (s.canWrite ? ' (may write).' : ' (may read).'));
    else if (!s.readTokenRequired && !s.writesEnabled) TC.status(summary, 'Reads are open and writes are disabled: nothing to log in to.');
  }).catch(function (e) { TC.status(summary, e); });

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    TC.status(summary, 'Logging in…');
    fetch('/api/session', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ token: document.getElementById('token').value })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) throw new Error(body.message || ('HTTP ' + response.status));
        window.location.replace(next());
      });
    }).catch(function (e) { TC.status(summary, new Error('Cannot log in: ' + e.message)); });
  });
})();
