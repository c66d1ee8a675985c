// The pages' only script of their own, loaded from this server (the Content-Security-Policy
// allows no inline script): buttons with data-copy put that value on the clipboard.
document.addEventListener("click", function (ev) {
  var button = ev.target.closest && ev.target.closest("[data-copy]");
  if (button && navigator.clipboard) {
    navigator.clipboard.writeText(button.dataset.copy);
  }
});
