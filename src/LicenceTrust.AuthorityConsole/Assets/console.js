// The console works without this script; with it, the issue form is checked by the server's own rules
// as the officer leaves each field (POST /console/issue/check; a problem is shown once its field was left), a batch's progress bar moves, and a submit button
// cannot be pressed twice.
(function () {
  'use strict';
  var form = document.getElementById('issue-form');
  if (form && window.fetch) {
    var pending = 0;
    // The server answers every problem of the form; only those of fields the officer has left are shown.
    var touched = {};
    var check = function (event) {
      if (event && event.target && event.target.name) { touched[event.target.name] = true; }
      var ticket = ++pending;
      fetch(form.getAttribute('data-check'), { method: 'POST', body: new FormData(form), credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (answer) {
          if (!answer || ticket !== pending) { return; }
          form.querySelectorAll('[data-error-for]').forEach(function (el) { el.textContent = ''; });
          form.querySelectorAll('[aria-invalid]').forEach(function (el) { el.removeAttribute('aria-invalid'); });
          (answer.problems || []).forEach(function (problem) {
            if (!problem.field || !touched[problem.field]) { return; }
            var slot = form.querySelector('[data-error-for="' + CSS.escape(problem.field) + '"]');
            var input = form.querySelector('[name="' + CSS.escape(problem.field) + '"]');
            if (slot && !slot.textContent) { slot.textContent = problem.message; }
            if (input) { input.setAttribute('aria-invalid', 'true'); }
          });
        })
        .catch(function () { /* the server checks again on submit */ });
    };
    form.addEventListener('change', check);
  }
  // A batch's progress bar, state and counts follow the node's runner (a page opened while the batch was
  // queued would otherwise say 排队中 at 24 %); the page reloads once the batch is finished.
  var bar = document.querySelector('progress[data-poll]');
  if (bar && window.fetch) {
    var label = document.querySelector('[data-testid="percent"]');
    var state = document.querySelector('[data-testid="state"]');
    var counts = document.querySelector('[data-testid="counts"]');
    var poll = function () {
      fetch(bar.getAttribute('data-poll'), { credentials: 'same-origin', cache: 'no-store' })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (p) {
          if (p) {
            bar.value = p.percent;
            if (label) { label.textContent = p.percent + ' %'; }
            if (state && p.stateText) { state.textContent = p.stateText; }
            if (counts && p.countsText) { counts.textContent = p.countsText; }
            if (p.finished) { window.location.reload(); return; }
          }
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 2000); });
    };
    window.setTimeout(poll, 1000);
  }
  // A refused form: focus goes to its error summary (read out first), whose links lead to the fields; a
  // link to a field this page does not have (a group of boxes, another form's) becomes plain text.
  var summary = document.getElementById('error-summary');
  if (summary) {
    summary.querySelectorAll('a[data-field-link]').forEach(function (a) {
      if (!document.getElementById(a.getAttribute('href').slice(1))) {
        if (a.getAttribute('data-field-link') === 'message') { a.replaceWith(document.createTextNode(a.textContent)); } else { a.remove(); }
      }
    });
    summary.focus();
  }
  document.querySelectorAll('form').forEach(function (f) {
    f.addEventListener('submit', function (e) {
      if (f.getAttribute('data-submitted') === '1') { e.preventDefault(); return; }
      f.setAttribute('data-submitted', '1');
    });
  });
})();
