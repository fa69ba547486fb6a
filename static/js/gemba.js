// Small enhancements only: every page works without this file.
(function () {
  "use strict";

  // Typing a custom duration selects "Other"; tapping a preset clears the custom minutes.
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (input.name !== "duration_custom") return;
    var other = input.form && input.form.querySelector('input[name="duration"][value="custom"]');
    if (other && input.value) other.checked = true;
  });
  document.addEventListener("change", function (event) {
    var radio = event.target;
    if (radio.name !== "duration" || radio.value === "custom") return;
    var custom = radio.form && radio.form.querySelector('input[name="duration_custom"]');
    if (custom) custom.value = "";
  });

  // After an htmx save, announce the confirmation to screen readers and sighted users alike.
  document.addEventListener("htmx:afterSwap", function () {
    var saved = document.getElementById("saved-confirmation");
    if (saved) { saved.setAttribute("tabindex", "-1"); saved.focus(); }
  });
})();
