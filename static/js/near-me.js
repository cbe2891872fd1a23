/* "Near me" on the service map's search forms.

   The browser is asked for the person's position only when they press the button. The
   position is rounded to two decimal places (about a kilometre) before it leaves the phone,
   and sent as near=lat,lng like any search. Without JavaScript the button stays hidden and
   the postcode box does the same job. */
(function () {
  "use strict";
  if (!("geolocation" in navigator)) {
    return;
  }
  var buttons = document.querySelectorAll("[data-near-me]");
  Array.prototype.forEach.call(buttons, function (button) {
    var form = button.form;
    var near = form && form.elements.namedItem("near");
    var status = form && form.querySelector(".near-me-status");
    if (!near) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      if (status) {
        status.textContent = button.getAttribute("data-waiting");
      }
      navigator.geolocation.getCurrentPosition(
        function (position) {
          near.value = position.coords.latitude.toFixed(2) + "," + position.coords.longitude.toFixed(2);
          form.submit();
        },
        function () {
          button.disabled = false;
          if (status) {
            status.textContent = button.getAttribute("data-failed");
          }
          near.focus();
        },
        { enableHighAccuracy: false, timeout: 20000, maximumAge: 600000 }
      );
    });
  });
})();
