// The print view's one button. A file, not an onclick attribute: the node's CSP allows no inline script.
document.getElementById('print')?.addEventListener('click', () => window.print());
